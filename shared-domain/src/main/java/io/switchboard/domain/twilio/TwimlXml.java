package io.switchboard.domain.twilio;

import com.twilio.twiml.TwiML;
import com.twilio.twiml.TwiMLException;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerConfigurationException;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Node;

/**
 * Writes TwiML built with the Twilio SDK's builders, producing exactly what {@link TwiML#toXml()}
 * does, without its cost: {@code toXml()} looks up a new {@code DocumentBuilderFactory} and
 * {@code TransformerFactory} and builds a new parser and transformer on every call, which measured
 * about 200 µs per answer and dominated the call-handler under load. Here each thread keeps one
 * builder and one transformer, configured as the SDK configures its own, and the SDK still builds
 * the DOM (its {@code buildXmlElement}, reached by reflection as it is not public), so element names,
 * attribute names and escaping stay the SDK's.
 */
public final class TwimlXml {

  private static final Method BUILD_ELEMENT = buildElementMethod();
  private static final ThreadLocal<DocumentBuilder> BUILDERS = ThreadLocal.withInitial(TwimlXml::newBuilder);
  private static final ThreadLocal<Transformer> TRANSFORMERS = ThreadLocal.withInitial(TwimlXml::newTransformer);

  private TwimlXml() {}

  public static String toXml(TwiML twiml) {
    try {
      Document document = BUILDERS.get().newDocument();
      document.setXmlStandalone(true);
      document.appendChild((Node) BUILD_ELEMENT.invoke(twiml, document));
      StringWriter out = new StringWriter(512);
      Transformer transformer = TRANSFORMERS.get();
      transformer.reset();
      transformer.setOutputProperty(OutputKeys.INDENT, "no");
      transformer.transform(new DOMSource(document), new StreamResult(out));
      return out.toString().trim();
    } catch (TransformerException e) {
      throw new TwiMLException("Exception serializing TwiML: " + e.getMessage());
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new TwiMLException("Unhandled exception: " + e.getMessage());
    }
  }

  private static Method buildElementMethod() {
    try {
      Method method = TwiML.class.getDeclaredMethod("buildXmlElement", Document.class);
      method.setAccessible(true);
      return method;
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("This Twilio SDK has no TwiML.buildXmlElement(Document)", e);
    }
  }

  private static DocumentBuilder newBuilder() {
    try {
      return DocumentBuilderFactory.newInstance().newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("No XML document builder", e);
    }
  }

  private static Transformer newTransformer() {
    TransformerFactory factory = TransformerFactory.newInstance();
    try {
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
      return factory.newTransformer();
    } catch (TransformerConfigurationException e) {
      throw new IllegalStateException("No XML transformer", e);
    }
  }
}
