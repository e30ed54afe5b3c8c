package io.switchboard.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU time spent by each part of the benchmark's JVM (and the schema registry's own JVM) between two
 * snapshots. Every process of the run lives in one JVM, so a "process" is the set of its threads,
 * recognised by name: a web server's threads by the port in their name, Kafka clients and Streams
 * threads by the client or application id, the broker's by its thread names. What the JVM itself
 * spends (garbage collection, the JIT compilers) is the process's CPU time minus all threads'.
 */
public final class CpuAccounting {

  /** The part of the machine's work that is not any single process. */
  public static final String JVM = "JVM (GC, JIT compilers)";
  public static final String REGISTRY = "schema registry (own JVM)";
  public static final String BROKER = "Kafka broker";
  public static final String LOAD = "load generator";
  public static final String OTHER = "other";

  private static final Pattern WEB_PORT = Pattern.compile("^http-nio-(?:[0-9.]+-)?(\\d+)-");
  private static final Pattern BROKER_THREADS = Pattern.compile("^(data-plane-|kafka-request-handler|"
      + "kafka-network-thread|kafka-scheduler|broker-|controller-|raft-|quorum-controller|group-coordinator|"
      + "share-coordinator|ExpirationReaper|LogDirFailureHandler|kafka-log-cleaner|transaction-|executor-|"
      + "BrokerLifecycleManager|ReplicaFetcher|feature-|TxnMarkerSender|AddPartitionsToTxn|client-metrics|"
      + "persister|kafka-\\d|kafka-purgatory|log-cleaner|node-|ControllerRegistration|ClientQuotaManager|"
      + "ThrottledChannelReaper|socket-server|SocketServer|ApiVersions|metadata|snapshot|kafka-shutdown|"
      + "KafkaRaftServer)");

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final Map<Integer, String> webPorts;
  private final Map<String, String> namesContaining;

  /**
   * @param webPorts which process serves HTTP on which port
   * @param namesContaining which process a thread belongs to when its name contains the key
   *     (client ids, application ids, group ids), tried in order
   */
  public CpuAccounting(Map<Integer, String> webPorts, Map<String, String> namesContaining) {
    this.webPorts = Map.copyOf(webPorts);
    this.namesContaining = new LinkedHashMap<>(namesContaining);
  }

  /** CPU time of every live thread, the process and the registry now. */
  public Snapshot snapshot() {
    Map<Long, Long> cpu = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    long[] ids = threads.getAllThreadIds();
    for (ThreadInfo info : threads.getThreadInfo(ids)) {
      if (info != null) {
        long time = threads.getThreadCpuTime(info.getThreadId());
        if (time >= 0) {
          cpu.put(info.getThreadId(), time);
          names.put(info.getThreadId(), info.getThreadName());
        }
      }
    }
    long children = ProcessHandle.current().descendants()
        .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    return new Snapshot(cpu, names, os.getProcessCpuTime(), children, System.nanoTime());
  }

  /** What each part used between two snapshots, in nanoseconds, largest first. */
  public Usage between(Snapshot before, Snapshot after) {
    Map<String, Long> byPart = new HashMap<>();
    Map<String, Long> unclassified = new HashMap<>();
    long threadsTotal = 0;
    for (Map.Entry<Long, Long> entry : after.cpu().entrySet()) {
      long used = entry.getValue() - before.cpu().getOrDefault(entry.getKey(), 0L);
      if (used <= 0) {
        continue;
      }
      String name = after.names().get(entry.getKey());
      String part = classify(name);
      byPart.merge(part, used, Long::sum);
      if (OTHER.equals(part)) {
        unclassified.merge(name.replaceAll("\\d+", "#"), used, Long::sum);
      }
      threadsTotal += used;
    }
    long process = after.processCpu() - before.processCpu();
    byPart.merge(JVM, Math.max(0, process - threadsTotal), Long::sum);
    byPart.merge(REGISTRY, Math.max(0, after.childrenCpu() - before.childrenCpu()), Long::sum);
    return new Usage(sorted(byPart), sorted(unclassified), process + Math.max(0, after.childrenCpu()
        - before.childrenCpu()), after.wallNanos() - before.wallNanos());
  }

  String classify(String name) {
    Matcher web = WEB_PORT.matcher(name);
    if (web.find()) {
      return webPorts.getOrDefault(Integer.parseInt(web.group(1)), OTHER);
    }
    for (Map.Entry<String, String> rule : namesContaining.entrySet()) {
      if (name.contains(rule.getKey())) {
        return rule.getValue();
      }
    }
    if (BROKER_THREADS.matcher(name).find()) {
      return BROKER;
    }
    return OTHER;
  }

  private static Map<String, Long> sorted(Map<String, Long> values) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(values.entrySet());
    entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    Map<String, Long> out = new LinkedHashMap<>();
    entries.forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  public record Snapshot(Map<Long, Long> cpu, Map<Long, String> names, long processCpu, long childrenCpu,
      long wallNanos) {}

  /**
   * @param nanosByPart CPU time by part, largest first
   * @param unclassifiedByName threads no rule recognised, by name with digits folded
   * @param totalNanos the JVM's and the registry's CPU time together
   * @param wallNanos the time between the two snapshots
   */
  public record Usage(Map<String, Long> nanosByPart, Map<String, Long> unclassifiedByName, long totalNanos,
      long wallNanos) {

    /**
     * What was used beyond {@code idle}'s rate, part by part (never below zero): the cost of the work
     * done between the snapshots, without what every process, the broker and the JVM use anyway.
     */
    public Usage beyond(Usage idle) {
      double scale = (double) wallNanos / idle.wallNanos();
      Map<String, Long> byPart = new HashMap<>();
      nanosByPart.forEach((part, used) -> byPart.put(part,
          Math.max(0, used - Math.round(idle.nanosByPart().getOrDefault(part, 0L) * scale))));
      long total = byPart.values().stream().mapToLong(Long::longValue).sum();
      return new Usage(sorted(byPart), unclassifiedByName, total, wallNanos);
    }

    /** Cores used on average between the snapshots. */
    public double cores() {
      return wallNanos == 0 ? 0 : (double) totalNanos / wallNanos;
    }

    /** Milliseconds of CPU per operation for one part. */
    public double millisPer(String part, long operations) {
      return operations == 0 ? 0 : nanosByPart.getOrDefault(part, 0L) / 1e6 / operations;
    }

    /** Milliseconds of CPU per operation for the whole machine's work in this JVM and the registry. */
    public double totalMillisPer(long operations) {
      return operations == 0 ? 0 : totalNanos / 1e6 / operations;
    }
  }
}
