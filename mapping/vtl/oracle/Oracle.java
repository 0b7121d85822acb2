// Oracle renders API Gateway mapping templates with Apache Velocity 1.7,
// the engine API Gateway runs, so that the Go engine can be compared with
// it byte for byte (see oracle_test.go).
//
// Usage: java -cp velocity.jar:commons-collections3.jar:commons-lang.jar:json-smart.jar:. Oracle CASES OUT
//
// CASES is a directory of *.json cases in the shape the render command
// reads: {"template": "...", "body": "..." or null,
// "params": {"path": {}, "querystring": {}, "header": {}},
// "context": {...}, "stageVariables": {...}}. For each case NAME.json the
// oracle writes OUT/NAME.out with exactly the rendered bytes, or
// OUT/NAME.err with the error.
//
// The template model is API Gateway's, as far as it is known:
//   $input.body        the raw body, "{}" when empty
//   $input.path(p)     the body parsed by json-smart in permissive mode
//                      (objects as ordered maps, arrays as JSON arrays),
//                      walked by the JSONPath subset $ .k ['k'] [n]
//   $input.json(p)     the same value written as JSON by json-smart
//   $input.params()    {path, querystring, header}; params(x) searches
//                      them in that order and gives "" when missing
//   $util              commons-lang 2 escapeJavaScript, json-smart
//                      parseJson, java.net URLEncoder/URLDecoder (UTF-8),
//                      java.util.Base64 over UTF-8
//   $context, $stageVariables  the case's maps
// and a reference insertion handler renders null references as "".
import java.io.File;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.minidev.json.JSONArray;
import net.minidev.json.JSONValue;
import net.minidev.json.parser.JSONParser;
import net.minidev.json.parser.ParseException;
import net.minidev.json.writer.JsonReader;
import net.minidev.json.writer.JsonReaderI;

import org.apache.commons.lang.StringEscapeUtils;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.app.event.EventCartridge;
import org.apache.velocity.app.event.ReferenceInsertionEventHandler;

public class Oracle {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Oracle CASES OUT");
            System.exit(2);
        }
        File in = new File(args[0]);
        File out = new File(args[1]);
        out.mkdirs();

        VelocityEngine ve = new VelocityEngine();
        ve.setProperty("runtime.log.logsystem.class", "org.apache.velocity.runtime.log.NullLogChute");
        ve.init();

        File[] files = in.listFiles((d, n) -> n.endsWith(".json"));
        if (files == null) {
            System.err.println("oracle: cannot read " + in);
            System.exit(1);
        }
        Arrays.sort(files);
        int n = 0;
        for (File f : files) {
            String name = f.getName().substring(0, f.getName().length() - ".json".length());
            String result;
            boolean ok;
            try {
                Object doc = parseStrict(new String(Files.readAllBytes(f.toPath()), StandardCharsets.UTF_8));
                result = render(ve, name, asMap(doc));
                ok = true;
            } catch (Throwable e) {
                result = describe(e);
                ok = false;
            }
            File dst = new File(out, name + (ok ? ".out" : ".err"));
            try (Writer w = new OutputStreamWriter(new FileOutputStream(dst), StandardCharsets.UTF_8)) {
                w.write(result);
            }
            n++;
        }
        System.out.println("oracle: rendered " + n + " cases with Velocity 1.7");
    }

    static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (b.length() > 0) {
                b.append(": ");
            }
            b.append(t.getClass().getName()).append(": ").append(t.getMessage());
        }
        return b.toString();
    }

    static String render(VelocityEngine ve, String name, Map<String, Object> c) throws Exception {
        Object body = c.get("body");
        Map<String, Object> params = asMap(c.get("params"));
        VelocityContext ctx = new VelocityContext();
        ctx.put("input", new Input(body == null ? null : body.toString(),
                asMap(params.get("path")), asMap(params.get("querystring")), asMap(params.get("header"))));
        ctx.put("util", new Util());
        ctx.put("context", asMap(c.get("context")));
        ctx.put("stageVariables", asMap(c.get("stageVariables")));

        EventCartridge ec = new EventCartridge();
        ec.addEventHandler(new ReferenceInsertionEventHandler() {
            public Object referenceInsert(String reference, Object value) {
                return value == null ? "" : value;
            }
        });
        ec.attachToContext(ctx);

        StringWriter w = new StringWriter();
        ve.evaluate(ctx, w, name, String.valueOf(c.get("template")));
        return w.toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        if (o instanceof Map) {
            return (Map<String, Object>) o;
        }
        return new LinkedHashMap<String, Object>();
    }

    // The reader json-smart builds values with: objects become
    // LinkedHashMap (rendered {k=v} by Map#toString, in document order),
    // arrays become JSONArray (rendered as JSON).
    static final JsonReaderI<Object> ORDERED = new JsonReaderI<Object>(new JsonReader()) {
        @Override
        public JsonReaderI<?> startObject(String key) {
            return this;
        }

        @Override
        public JsonReaderI<?> startArray(String key) {
            return this;
        }

        @Override
        public Object createObject() {
            return new LinkedHashMap<String, Object>();
        }

        @Override
        public Object createArray() {
            return new JSONArray();
        }

        @Override
        @SuppressWarnings("unchecked")
        public void setValue(Object current, String key, Object value) {
            ((Map<String, Object>) current).put(key, value);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void addValue(Object current, Object value) {
            ((List<Object>) current).add(value);
        }
    };

    static Object parseStrict(String s) throws ParseException {
        return new JSONParser(JSONParser.MODE_RFC4627).parse(s, ORDERED);
    }

    static Object parsePermissive(String s) throws ParseException {
        return new JSONParser(JSONParser.MODE_PERMISSIVE).parse(s, ORDERED);
    }

    // JSONPath subset: $, .name, ['name'], ["name"], [n].
    static Object walk(Object v, String path) {
        String p = path.trim();
        if (!p.startsWith("$")) {
            throw new IllegalArgumentException("invalid JSONPath " + path);
        }
        int i = 1;
        while (i < p.length() && v != null) {
            char c = p.charAt(i);
            if (c == '.') {
                int j = i + 1;
                while (j < p.length() && p.charAt(j) != '.' && p.charAt(j) != '[') {
                    j++;
                }
                v = member(v, p.substring(i + 1, j));
                i = j;
            } else if (c == '[') {
                int j = p.indexOf(']', i);
                if (j < 0) {
                    throw new IllegalArgumentException("invalid JSONPath " + path);
                }
                String k = p.substring(i + 1, j).trim();
                if (k.length() >= 2 && (k.charAt(0) == '\'' || k.charAt(0) == '"')) {
                    v = member(v, k.substring(1, k.length() - 1));
                } else if (v instanceof List) {
                    int idx = Integer.parseInt(k);
                    List<?> l = (List<?>) v;
                    v = idx >= 0 && idx < l.size() ? l.get(idx) : null;
                } else {
                    v = null;
                }
                i = j + 1;
            } else {
                throw new IllegalArgumentException("invalid JSONPath " + path);
            }
        }
        return v;
    }

    static Object member(Object v, String k) {
        return v instanceof Map ? ((Map<?, ?>) v).get(k) : null;
    }

    public static class Input {
        private final String body;
        private final Map<String, Object> path, query, header;
        private Object parsed;
        private boolean done;

        Input(String body, Map<String, Object> path, Map<String, Object> query, Map<String, Object> header) {
            this.body = body;
            this.path = path;
            this.query = query;
            this.header = header;
        }

        public String getBody() {
            return body == null || body.isEmpty() ? "{}" : body;
        }

        private Object root() throws ParseException {
            if (!done) {
                parsed = parsePermissive(getBody());
                done = true;
            }
            return parsed;
        }

        public Object path(String p) throws ParseException {
            return walk(root(), p);
        }

        public String json(String p) throws ParseException {
            return JSONValue.toJSONString(path(p));
        }

        public Map<String, Object> params() {
            Map<String, Object> m = new LinkedHashMap<String, Object>();
            m.put("path", path);
            m.put("querystring", query);
            m.put("header", header);
            return m;
        }

        public Object params(String name) {
            for (Map<String, Object> m : Arrays.asList(path, query, header)) {
                if (m.containsKey(name)) {
                    return m.get(name);
                }
            }
            return "";
        }
    }

    public static class Util {
        public String escapeJavaScript(Object s) {
            return s == null ? null : StringEscapeUtils.escapeJavaScript(s.toString());
        }

        public Object parseJson(String s) throws ParseException {
            return s == null ? null : parsePermissive(s);
        }

        public String urlEncode(String s) throws Exception {
            return s == null ? null : URLEncoder.encode(s, "UTF-8");
        }

        public String urlDecode(String s) throws Exception {
            return s == null ? null : URLDecoder.decode(s, "UTF-8");
        }

        public String base64Encode(String s) {
            return s == null ? null : Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
        }

        public String base64Decode(String s) {
            return s == null ? null : new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
        }
    }
}
