package io.switchboard.domain.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import com.twilio.http.HttpMethod;
import com.twilio.twiml.MessagingResponse;
import com.twilio.twiml.TwiML;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.messaging.Message;
import com.twilio.twiml.voice.Connect;
import com.twilio.twiml.voice.Dial;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Number;
import com.twilio.twiml.voice.Parameter;
import com.twilio.twiml.voice.Pause;
import com.twilio.twiml.voice.Record;
import com.twilio.twiml.voice.Say;
import com.twilio.twiml.voice.Stream;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TwimlXmlTest {

  static List<TwiML> documents() {
    return List.of(
        new VoiceResponse.Builder().build(),
        new MessagingResponse.Builder().build(),
        new MessagingResponse.Builder().message(new Message.Builder("Thanks & see you <soon> \"Bob's\" €").build()).build(),
        new VoiceResponse.Builder()
            .say(new Say.Builder("Please hold while we connect your call.").build())
            .pause(new Pause.Builder().length(10).build()).build(),
        new VoiceResponse.Builder()
            .dial(new Dial.Builder()
                .number(new Number.Builder("+16463000001")
                    .url("https://sb.example.com/api/twilio/whisper?companyId=a&eventId=b").build())
                .record(Dial.Record.RECORD_FROM_ANSWER_DUAL)
                .recordingStatusCallback("https://sb.example.com/api/twilio/recording?companyId=a&eventId=b")
                .action("https://sb.example.com/api/twilio/dial-action?companyId=a&eventId=b")
                .method(HttpMethod.POST).timeout(20).build())
            .build(),
        new VoiceResponse.Builder()
            .say(new Say.Builder("Leave a message after the tone. <ä>").build())
            .record(new Record.Builder().maxLength(120).playBeep(true).transcribe(true)
                .recordingStatusCallback("https://sb.example.com/api/twilio/recording?companyId=a&eventId=b")
                .transcribeCallback("https://sb.example.com/api/twilio/transcription?companyId=a&eventId=b").build())
            .build(),
        new VoiceResponse.Builder()
            .connect(new Connect.Builder().stream(new Stream.Builder().url("wss://agent.example.com/a")
                .parameter(new Parameter.Builder().name("companyId").value("64b7f0c2").build()).build()).build())
            .build(),
        new VoiceResponse.Builder().say(new Say.Builder("Not configured.").build()).hangup(new Hangup.Builder().build())
            .build());
  }

  @ParameterizedTest
  @MethodSource("documents")
  void shouldWriteExactlyWhatTheSdkWrites(TwiML twiml) {
    assertThat(TwimlXml.toXml(twiml)).isEqualTo(twiml.toXml()).startsWith("<?xml");
  }

  @ParameterizedTest
  @MethodSource("documents")
  void shouldGiveTheSameAnswerWhenItsBuilderAndTransformerAreReused(TwiML twiml) {
    String first = TwimlXml.toXml(twiml);
    TwimlXml.toXml(new VoiceResponse.Builder().say(new Say.Builder("something else").build()).build());
    assertThat(TwimlXml.toXml(twiml)).isEqualTo(first);
  }
}
