import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import software.amazon.event.ruler.Machine;

/**
 * AWS's own EventBridge pattern matcher (event-ruler), as a filter for tests.
 * Reads {"pattern": "<pattern JSON>", "events": {"name": <event>, ...}} on
 * stdin and prints {"name": true|false, ...}: whether the pattern matches.
 * Run with `java -cp "<event-ruler jars>/*" EventRulerMatch.java` (Java 11+
 * runs a single source file directly).
 */
public class EventRulerMatch {
  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode input = json.readTree(System.in);
    Machine machine = Machine.builder().build();
    machine.addRule("pattern", input.get("pattern").asText());
    ObjectNode out = json.createObjectNode();
    Iterator<Map.Entry<String, JsonNode>> events = input.get("events").fields();
    while (events.hasNext()) {
      Map.Entry<String, JsonNode> event = events.next();
      out.put(event.getKey(), !machine.rulesForJSONEvent(json.writeValueAsString(event.getValue())).isEmpty());
    }
    System.out.println(json.writeValueAsString(out));
  }
}
