package vtl

import (
	"errors"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
)

type execTest struct {
	name   string
	tmpl   string
	body   string // "" means no body
	in     *Input // when set, used instead of body
	want   string
	err    string // substring of the expected error
	reason string
}

var execTests = []execTest{
	// References and null (docs/evidence/mapping.md §2, §4).
	{"undefined", "a${x}b$x.y.z$!q", "", nil, "ab", "", "null and undefined references render as the empty string on API Gateway"},
	{"quietSame", "[$!{nope}][$nope]", "", nil, "[][]", "", "$! behaves like $ under API Gateway's null rule"},
	{"escapeDefined", `#set($a = 1)\$a`, "", nil, "$a", "", "Velocity 1.7: \\$a prints $a when $a is defined"},
	{"escapeUndefined", `\$nope`, "", nil, `\$nope`, "", "Velocity 1.7: \\$a prints \\$a when $a is undefined"},
	{"escapeDouble", `#set($a = 1)\\$a`, "", nil, `\1`, "", "an even number of backslashes halves and the reference renders"},
	{"escapedDirective", `\#if(true)x`, "", nil, `#if(true)x`, "", "an escaped directive is text"},
	{"loneDollar", "cost: $ 5 and $1 and ${ x", "", nil, "cost: $ 5 and $1 and ${ x", "", "a $ not followed by an identifier is text"},
	{"lexBang", "a$! b$!!c$!$x$!{ d", "", nil, "a$ b$!c$!$!{ d", "", "Velocity 1.7 lexes $! before a non-name as $, and as $! before another $"},
	{"lexBangEOF", "a$!", "", nil, "", "$! at the end", "Velocity 1.7 rejects $! at the end"},
	{"hyphenIdent", "#set($a-b = 2)$a-b", "", nil, "2", "", "Velocity 1.7 identifiers may contain '-'"},
	{"trailingDot", "#set($a = 'x')$a.", "", nil, "x.", "", "a dot not followed by an identifier is text"},
	{"formal", "#set($a = 'x')${a}y", "", nil, "xy", "", "formal reference"},
	{"indexSyntax", "#set($l = ['a', 'b'])$l[1]$l[-1]", "", nil, "bb", "", "index syntax; negative indexes count from the end"},
	{"mapIndex", `#set($m = {"k": "v"})#set($key = "k")$m[$key]$m["k"]`, "", nil, "vv", "", "map index with a variable and a literal"},
	{"indexOut", "#set($l = [1])$l[3]", "", nil, "", "index 3 out of bounds", "Java throws for an index past the end"},

	// #set (§8).
	{"setNullUnchanged", `#set($a = "old")#set($a = $input.path('$.none'))$a`, `{}`, nil, "old", "", "a null right-hand side leaves the target unchanged"},
	{"setSpaceParen", "#set ($a = 3)$a", "", nil, "3", "", "#set ( with a space is accepted"},
	{"setMapKey", `#set($m = {})#set($m.k = 1)#set($m["j"] = 2)$m`, "", nil, "{k=1, j=2}", "", "assignment into a map by property and index"},
	{"setKeepsSpace", "#set($x = 1) $x", "", nil, " 1", "", "blanks after #set(...) without a newline are kept"},
	{"setEatsIndent", "X\n#set($a = 1)\n  #set($b = 2)\nY", "", nil, "X\nY", "", "#set eats blanks that start a token and its trailing newline (docs/evidence/mapping.md §3 rule 4)"},
	{"setKeepsTextIndent", "abc\n  #set($b = 2)Y", "", nil, "abc\n  Y", "", "blanks at the end of a text run are not eaten"},

	// Whitespace (§3).
	{"ifIndent", "{\n  #if(true)\n  \"a\": 1\n  #end\n}", "", nil, "{\n    \"a\": 1\n  }", "", "docs/evidence/mapping.md §3 rule 3"},
	{"elseFormal", "#if(false)a#{else}b#{end}c", "", nil, "bc", "", "#{else} and #{end}"},
	{"endGobbles", "#if(true)x#end  \nz", "", nil, "xz", "", "#end eats trailing blanks and one newline"},
	{"endKeepsBlanks", "#if(true)x#end  z", "", nil, "x  z", "", "without a newline the blanks stay"},
	{"lineComment", "a ## note\nb", "", nil, "a b", "", "## eats through the newline, not the indentation before it"},
	{"blockComment", "a#* x\ny *#\nb", "", nil, "a\nb", "", "#* *# does not eat the newline"},
	{"unparsed", "#[[$a #if]]#", "", nil, "$a #if", "", "unparsed content"},
	{"crlf", "#if(true)\r\nx#end\r\ny", "", nil, "xy", "", "CRLF counts as one newline"},

	// Conditions and operators (§5).
	{"nullEqualsEmpty", `#set($v = $input.path('$.missing')){"isNull": "#if($v == $null)true#{else}false#end", "isEmptyString": "#if($v == "")true#{else}false#end"}`, `{}`, nil, `{"isNull": "true", "isEmptyString": "true"}`, "", "AWS quirk: null equals both $null and \"\""},
	{"emptyParamTruthy", `#if($input.params('x'))yes#{else}no#end`, "", nil, "yes", "", "a missing parameter is \"\", which is truthy"},
	{"quietIdiom", `#if("$!nextUrl" != "")yes#{else}no#end`, "", nil, "no", "", "community idiom"},
	{"numStringEq", `#if("10" == 10)eq#end`, "", nil, "eq", "", "different classes compare their toString forms"},
	{"intDiv", "#set($a = 7 / 2)#set($b = 7 % 3)#set($c = 1 + 2.5)#set($d = 1.5 * 2)$a $b $c $d", "", nil, "3 1 3.5 3.0", "", "Velocity integer and double arithmetic"},
	{"divZero", "#set($a = 5)#set($a = 1 / 0)$a", "", nil, "5", "", "division by zero is null, so #set leaves the value"},
	{"concat", `#set($a = "a" + 1)$a`, "", nil, "a1", "", "+ with a string operand concatenates"},
	{"relational", "#if(2 < 10 && 10 >= 10 && !(3 > 4) && 2 le 2 and not false)ok#end", "", nil, "ok", "", "relational and word operators"},
	{"stringLess", `#if("a" < "b")yes#{else}no#end`, "", nil, "no", "", "< on strings is false"},
	{"elseif", "#set($n = 2)#if($n == 1)one#elseif($n == 2)two#{else}other#end", "", nil, "two", "", "#elseif"},
	{"truthyZero", "#set($z = 0)#if($z)t#end", "", nil, "t", "", "0 is truthy: only null and false are false"},
	{"orShort", "#if($nope || true)t#end", "", nil, "t", "", "||"},

	// Literals and rendering (§4).
	{"listLiteral", `#set($l = [1, "two", 3.0])$l`, "", nil, "[1, two, 3.0]", "", "a VTL list renders as ArrayList#toString"},
	{"mapLiteral", `#set($m = {"a": 1, "b": [true]})$m`, "", nil, "{a=1, b=[true]}", "", "a VTL map renders as Map#toString"},
	{"range", "#foreach($i in [3..1])$i#end", "", nil, "321", "", "descending range"},
	{"rangeVars", "#set($a = 1)#set($b = 3)$[$a..$b]#set($r = [$a..$b])$r", "", nil, "$[1..3][1, 2, 3]", "", "range with variables"},
	{"jsonObjectToString", "$input.path('$')", `{"foo":"bar","n":{"x":[1,{"y":null}]}}`, nil, `{foo=bar, n={x=[1,{"y":null}]}}`, "", "JSON objects render as Map#toString, arrays inside as JSON"},
	{"jsonArrayToString", "$input.path('$.a')", `{"a":[{"foo":"bar"}, "x/y"]}`, nil, `[{"foo":"bar"},"x\/y"]`, "", "JSON arrays render as compact json-smart JSON"},
	{"javaDoubles", "$input.path('$.a') $input.path('$.b') $input.path('$.c') $input.path('$.d') $input.path('$.e') $input.path('$.f')", `{"a":10.00,"b":1.5e3,"c":0.19,"d":-0.0,"e":1e10,"f":0.0001}`, nil, "10.0 1500.0 0.19 -0.0 1.0E10 1.0E-4", "", "Double.toString"},
	{"bigInt", "$input.path('$.n')", `{"n":12345678901234}`, nil, "12345678901234", "", "Long"},
	{"interpolation", `#set($n = "x")#set($s = "a $n #if(true)b#end '$n'")$s`, "", nil, "a x b 'x'", "", "double-quoted strings interpolate references and directives"},
	{"singleQuoteLiteral", `#set($n = "x")#set($s = '$n')$s`, "", nil, "$n", "", "single-quoted strings are literal"},
	{"doubledQuote", `#set($s = "say ""hi""")$s`, "", nil, `say "hi"`, "", "a doubled quote is one quote"},
	{"backslashLiteral", `#set($s = "\\'")$s`, "", nil, `\\'`, "", "no backslash escapes in VTL strings (docs/evidence/mapping.md §2)"},
	{"escapeJSReplace", `$util.escapeJavaScript("it's").replaceAll("\\'","'")`, "", nil, "it's", "", "the guide's replaceAll idiom"},

	// #foreach (§7).
	{"foreachVars", "#foreach($x in ['a','b','c'])$foreach.index$foreach.count$velocityCount$x#if($foreach.first)F#end#if($foreach.last)L#end#if($foreach.hasNext),#end#end", "", nil, "011aF,122b,233cL", "", "$foreach.* and $velocityCount"},
	{"foreachMapValues", `#foreach($v in {"a": 1, "b": 2})$v#end`, "", nil, "12", "", "#foreach over a map iterates its values"},
	{"foreachNull", "#foreach($v in $nope)x#end", "", nil, "", "", "#foreach over null runs zero times"},
	{"foreachRestores", "#set($x = 'keep')#foreach($x in [1,2])#end$x", "", nil, "keep", "", "the loop variable is restored after the loop"},
	{"foreachBreak", "#foreach($x in [1..5])$x#if($x == 2)#break#end#end.", "", nil, "12.", "", "#break leaves the loop"},
	{"foreachJSONArray", "#foreach($p in $input.path('$.pets'))$p.id#if($foreach.hasNext),#end#end", `{"pets":[{"id":1},{"id":2}]}`, nil, "1,2", "", "iterating a JSON array"},
	{"stop", "a#stop b", "", nil, "a", "", "#stop ends the output"},
	{"define", "#define($b)<$x>#end#set($x = 1)$b#set($x = 2)$b", "", nil, "<1><2>", "", "#define renders lazily"},

	// Methods (§6).
	{"strMethods", `#set($s = " Hello World ")$s.trim().length() $s.toUpperCase() $s.contains("lo") $s.indexOf("o") $s.substring(1, 6) $s.replace("l", "L") $s.startsWith(" H") $s.isEmpty()`, "", nil, "11  HELLO WORLD  true 5 Hello  HeLLo WorLd  true false", "", "String methods"},
	{"strUTF16", `#set($s = "héllo😀")$s.length() $s.substring(1, 2) $s.indexOf("l")`, "", nil, "7 é 2", "", "String indexes are UTF-16 code units"},
	{"replaceAllGroups", `#set($s = "a1b22c")$s.replaceAll("([a-z])(\d+)", "$2$1") $s.replaceFirst("\d", "#") $s.replaceAll("x*", "-")`, "", nil, "1a22bc a#b22c -a-1-b-2-2-c-", "", "Java regex with $n groups and empty matches"},
	{"replaceAllEmptyAfter", `#set($s = "baaa")$s.replaceAll("a*", "-")`, "", nil, "-b--", "", "Java keeps the empty match right after a non-empty one"},
	{"split", `#set($s = "a,b,,c,,")#set($p = $s.split(","))$p.size() $p[1] #foreach($x in $p)[$x]#end`, "", nil, "4 b [a][b][][c]", "", "split drops trailing empty strings"},
	{"splitLimit", `#set($s = "a,b,c")#set($p = $s.split(",", 2))$p.size() $p[1]`, "", nil, "2 b,c", "", "split with a limit"},
	{"matches", `#set($a = "abc")#set($b = "xabc")#if($a.matches("a.c"))y#end#if(!$b.matches("a.c"))n#end`, "", nil, "yn", "", "matches() is a whole-string match"},
	{"regexUnsupported", `$s.replaceAll("(a)\1", "")#set($s = "aa")$s.replaceAll("(a)\1", "")`, "", nil, "", "backreference is not supported", "constructs RE2 cannot run are errors, not wrong answers"},
	{"regexBadGroup", `#set($s = "aa")$s.replaceAll("a", "$2")`, "", nil, "", "no group 2", "Java's IndexOutOfBounds for $2"},
	{"mapMethods", `#set($m = {"a": 1})$m.put("b", 2)$m.put("a", 3) $m.size() $m.keySet() $m.values() $m.containsKey("b") $m.get("a") $m.remove("b") $m #foreach($e in $m.entrySet())$e.key=$e.value#end`, "", nil, "1 2 [a, b] [3, 2] true 3 2 {a=3} a=3", "", "Map methods; put returns the previous value, which renders"},
	{"listMethods", `#set($l = [])$l.add("x")$l.add(0, "w") $l $l.size() $l.get(1) $l.contains("w") $l.isEmpty() $l.indexOf("x")`, "", nil, "true [w, x] 2 x true false 1", "", "List methods; add(i, x) returns void, which renders empty under the null rule"},
	{"unknownMethod", `#set($s = "x")[$s.size()][$s.nope(1)]`, "", nil, "[][]", "", "a method that does not exist is null"},
	{"propertyGetter", `#set($s = "")$s.empty`, "", nil, "true", "", "$s.empty calls isEmpty()"},
	{"substringOut", `#set($s = "ab")$s.substring(5)`, "", nil, "", "StringIndexOutOfBoundsException", "Java exceptions are errors"},

	// $input (§9).
	{"bodyRaw", "$input.body", `{ "a" : 1 }`, nil, `{ "a" : 1 }`, "", "raw body, spacing kept"},
	{"bodyEmpty", "$input.body|$input.json('$')", "", nil, "{}|{}", "", "an empty body is {}"},
	{"bodyProp", "[$input.body.x]", `{"x":1}`, nil, "[]", "", "$input.body is a string, so .x is null"},
	{"jsonCompact", "$input.json('$')", `{ "a" : [1, 2.50, "s"], "b" : {"1": {}}, "c": null }`, nil, `{"a":[1,2.5,"s"],"b":{"1":{}},"c":null}`, "", "$input.json is compact JSON with Java number formatting"},
	{"jsonString", "$input.json('$.a')", `{"a":"6"}`, nil, `"6"`, "", "strings are quoted"},
	{"jsonNonJSON", "$input.json('$')|$input.path('$')", `a=b`, nil, `"a=b"|a=b`, "", "permissive parsing: non-JSON text is a string"},
	{"jsonUnquoted", "$input.path('$.statusCode')", `{statusCode: 200}`, nil, "200", "", "unquoted keys are accepted"},
	{"jsonBad", "$input.json('$')", `{a`, nil, "", "Unexpected End Of File position 1: null", "text starting with { that is not JSON is a payload error"},
	{"jsonBadLazy", "ok", `{a`, nil, "ok", "", "the body is parsed only when a template asks"},
	{"jsonPathMissing", "[$input.json('$.x.y')][$input.path('$.x.y')][$input.json('$.n')]", `{"x":1,"n":null}`, nil, "[null][][null]", "", "a missing path is null: json() writes it as null, path() renders it empty"},
	{"jsonPathForms", `$input.path("$['a']['b c']") $input.path('$.l[1]') $input.path('$.l[-1]') $input.path('l[0]')`, `{"a":{"b c":"q"},"l":[1,2,3]}`, nil, "q 2 3 1", "", "bracket names, indexes, no leading $"},
	{"jsonPathWildcard", "$input.json('$.l[*].id') $input.json('$..id')", `{"l":[{"id":1},{"id":2}],"m":{"id":3}}`, nil, "[1,2] [1,2,3]", "", "indefinite paths give a list"},
	{"jsonPathFilter", "$input.json('$.l[?(@.id)]')", `{"l":[]}`, nil, "", "filters, slices and unions are not supported", "unsupported JSONPath is an error"},
	{"jsonPathInterp", "#set($i = 1)$input.path(\"$.l[${i}]\")", `{"l":["a","b"]}`, nil, "b", "", "interpolated paths"},
	{"jsonUnicode", "$input.json('$.s')|$input.path('$.s')", `{"s":"\u00e9\n\u2028/"}`, nil, `"é\n\u2028\/"|é` + "\n\u2028/", "", "json-smart escapes / and U+2000-U+20FF"},

	// $util (§10).
	{"escapeJS", `$util.escapeJavaScript("a'b""c\d/e")`, "", nil, `a\'b\"c\\d\/e`, "", "commons-lang escapeJavaScript"},
	{"escapeJSControl", "$util.escapeJavaScript($input.path('$.s'))", `{"s":"\t\n\u0001é€😀\u007f"}`, nil, `\t\n\u0001\u00E9\u20AC\uD83D\uDE00` + "\x7f", "", "control characters and non-ASCII as uppercase \\uXXXX UTF-16 units"},
	{"escapeJSMap", "$util.escapeJavaScript($input.path('$'))", `{"a":"b"}`, nil, "{a=b}", "", "non-strings are stringified"},
	{"urlEncode", `$util.urlEncode('{"some": "value"} ~!*._-é')`, "", nil, "%7B%22some%22%3A+%22value%22%7D+%7E%21*._-%C3%A9", "", "URLEncoder: space is +, ~ is %7E, * is kept"},
	{"urlDecode", `$util.urlDecode("a+b%20c%C3%A9")`, "", nil, "a b cé", "", "URLDecoder"},
	{"urlDecodeBad", `$util.urlDecode("%zz")`, "", nil, "", "illegal hex characters", "malformed percent escape"},
	{"base64", `$util.base64Encode("héllo") $util.base64Decode("aMOpbGxv")`, "", nil, "aMOpbGxv héllo", "", "base64 over UTF-8"},
	{"base64Bad", `$util.base64Decode("!!!")`, "", nil, "", "illegal base64", "malformed base64"},
	{"parseJson", `#set($o = $util.parseJson('{"k":{"arr":[1,2]}}'))$o.k.arr[1] $o.k`, "", nil, `2 {arr=[1,2]}`, "", "parseJson gives native objects"},
	{"utilBare", "[$util][$input][$util.nope('x')]", "", nil, "[][][]", "", "bare objects and unknown functions render empty"},

	// $input.params (§9).
	{"paramsPrecedence", "$input.params('x') $input.params('y') $input.params('z') [$input.params('none')]", "", &Input{
		Path:        event.Params{{Name: "x", Value: "path"}},
		QueryString: event.Params{{Name: "x", Value: "qs"}, {Name: "y", Value: "qs"}},
		Header:      event.Params{{Name: "y", Value: "h"}, {Name: "Z", Value: "h"}},
	}, "path qs h []", "", "path, then querystring, then header; header names ignore case as a fallback"},
	{"paramsEmptyWins", "[$input.params('x')]", "", &Input{
		Path:        event.Params{{Name: "x", Value: ""}},
		QueryString: event.Params{{Name: "x", Value: "qs"}},
	}, "[]", "", "a present empty value wins (decision in doc.go)"},
	{"paramsAll", "$input.params() $input.params().header.keySet()", "", &Input{
		Path:   event.Params{{Name: "id", Value: "1"}},
		Header: event.Params{{Name: "NAME", Value: "TOQOZ"}, {Name: "AGE", Value: "999"}},
	}, "{path={id=1}, querystring={}, header={NAME=TOQOZ, AGE=999}} [NAME, AGE]", "", "params() is an ordered map"},

	// $stageVariables and $context (§11).
	{"stageVars", "$stageVariables.a ${stageVariables['a']} $stageVariables['a'] [$stageVariables.none] $stageVariables.keySet()", "", &Input{
		StageVariables: event.Params{{Name: "a", Value: "1"}},
	}, "1 1 1 [] [a]", "", "stage variable syntaxes"},
	{"contextOverrides", `#set($context.requestOverride.querystring["q"] = "bar")$context.responseOverride.header.put("foo", "bar")#set($context.responseOverride.status = 444)$context.requestOverride.keySet() $context.responseOverride.keySet()`, "", nil, "[path, header, querystring] [header, status]", "", "override maps exist and accept map-style assignment"},
	{"contextNested", `[$context.identity.sourceIp][$context.authorizer.claims]`, "", &Input{Context: map[string]any{"identity": map[string]any{"sourceIp": "1.2.3.4"}}}, "[1.2.3.4][]", "", "nested context"},
}

func runExec(t *testing.T, tc execTest) (*Result, error) {
	t.Helper()
	tmpl, err := Parse(tc.name, tc.tmpl)
	if err != nil {
		return nil, err
	}
	in := tc.in
	if in == nil {
		in = &Input{}
		if tc.body != "" {
			in.Body = []byte(tc.body)
		}
	}
	return tmpl.Execute(in)
}

func TestExecute(t *testing.T) {
	for _, tc := range execTests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := runExec(t, tc)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("%q: error = %v, want %q (%s)", tc.tmpl, err, tc.err, tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("%q: %v (%s)", tc.tmpl, err, tc.reason)
			}
			if got := string(res.Output); got != tc.want {
				t.Errorf("Execute(%q) = %q, want %q (%s)", tc.tmpl, got, tc.want, tc.reason)
			}
		})
	}
}

func TestOverrides(t *testing.T) {
	tmpl := Must(Parse("o", `#set($context.requestOverride.header.X = "a")#set($context.requestOverride.header.M = [$input.params('h1'), $input.params('h2')])#set($context.requestOverride.path.p = "v")#set($context.requestOverride.querystring["q"] = "bar")$context.responseOverride.header.put("foo", "bar")#set($context.responseOverride.status = 444)`))
	res, err := tmpl.Execute(&Input{Header: event.Params{{Name: "h1", Value: "foo"}, {Name: "h2", Value: "bar"}}})
	if err != nil {
		t.Fatal(err)
	}
	o := res.Overrides
	if o.Request.Header["X"] != "a" || o.Request.Header["M"] != "foo,bar" || o.Request.Path["p"] != "v" ||
		o.Request.QueryString["q"] != "bar" || o.Response.Header["foo"] != "bar" || o.Response.Status != 444 {
		t.Errorf("Overrides = %+v", o)
	}
	// A template that sets none has none.
	res, err = Must(Parse("n", "$context.requestOverride")).Execute(nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Overrides.Request.Header != nil || res.Overrides.Response.Status != 0 {
		t.Errorf("Overrides = %+v, want none", res.Overrides)
	}
}

func TestPayloadError(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`{a`, "Could not process payloadnet.minidev.json.parser.ParseException: Unexpected End Of File position 1: null"},
		{`[a`, "Could not process payloadnet.minidev.json.parser.ParseException: Unexpected End Of File position 1: EOF"},
	} {
		_, err := Must(Parse("p", "$input.json('$')")).Execute(&Input{Body: []byte(tc.body)})
		var pe *PayloadError
		if !errors.As(err, &pe) {
			t.Fatalf("body %q: error %v is not a *PayloadError", tc.body, err)
		}
		if got := pe.AWSMessage(); got != tc.want {
			t.Errorf("body %q: AWSMessage() = %q, want %q", tc.body, got, tc.want)
		}
		var ee *ExecError
		if !errors.As(err, &ee) || ee.Line != 1 || ee.Col != 7 {
			t.Errorf("body %q: error %v does not name line 1 col 7 (the .json call)", tc.body, err)
		}
	}
}

func paramsOf(kv ...string) event.Params {
	var p event.Params
	for i := 0; i+1 < len(kv); i += 2 {
		p = append(p, event.Field{Name: kv[i], Value: kv[i+1]})
	}
	return p
}

// TestOverrideOnce follows docs/evidence/mapping.md §11: API Gateway
// applies an override once a template, and a template that sets the same
// parameter twice fails (the pipeline answers 500). Every way a template
// writes into the override maps counts; other keys, a second template and
// writes that change nothing do not.
func TestOverrideOnce(t *testing.T) {
	const twice = `set twice: an override may be set only once in a template`
	for _, tc := range []struct {
		name, tmpl string
		in         *Input
		err        string // "" when the template succeeds
	}{
		{"status", "#set($context.responseOverride.status = 400)\n#set($context.responseOverride.status = 500)",
			nil, `mapping: t:2:31: override "$context.responseOverride.status" ` + twice},
		{"statusPut", `#set($context.responseOverride.status = 400)$context.responseOverride.put("status", 400)`,
			nil, `override "$context.responseOverride.status" ` + twice},
		{"responseHeader", `#set($context.responseOverride.header.X = "a")$context.responseOverride.header.put("X", "b")`,
			nil, `override "$context.responseOverride.header.X" ` + twice},
		{"requestHeader", `#set($context.requestOverride.header.X = "a")#set($context.requestOverride.header["X"] = "b")`,
			nil, `override "$context.requestOverride.header.X" ` + twice},
		{"path", `$context.requestOverride.path.put("p", 1)$context.requestOverride.path.putAll({"q": 2, "p": 3})`,
			nil, `override "$context.requestOverride.path.p" ` + twice},
		{"querystringLoop", `#foreach($v in ["a", "b"])#set($context.requestOverride.querystring.q = $v)#end`,
			nil, `override "$context.requestOverride.querystring.q" ` + twice},
		{"sameKeyAsNumber", `#set($context.requestOverride.header["1"] = "a")#set($context.requestOverride.header[1] = "b")`,
			nil, `override "$context.requestOverride.header.1" ` + twice},
		{"alias", `#set($h = $context.requestOverride.header)#set($h.X = "a")#set($context.requestOverride.header.X = "b")`,
			nil, `override "$context.requestOverride.header.X" ` + twice},
		{"wholeMap", `#set($context.responseOverride.header.X = "a")#set($context.responseOverride.header = {"X": "b"})`,
			nil, `override "$context.responseOverride.header.X" ` + twice},
		{"intoReplacedMap", `#set($context.requestOverride.querystring = {"q": "a"})#set($context.requestOverride.querystring.q = "b")`,
			nil, `override "$context.requestOverride.querystring.q" ` + twice},

		{"eachOnce", `#set($context.requestOverride.header.X = "a")#set($context.requestOverride.path.X = "a")#set($context.requestOverride.querystring.X = "a")#set($context.responseOverride.header.X = "a")#set($context.responseOverride.status = 201)`, nil, ""},
		{"otherKeys", `#set($context.responseOverride.custom = 1)#set($context.responseOverride.custom = 2)#set($context.requestOverride.status = 1)#set($context.requestOverride.status = 2)#set($m = {})#set($m.status = 1)#set($m.status = 2)`, nil, ""},
		{"nullChangesNothing", `#set($context.responseOverride.status = $none)#set($context.responseOverride.status = 200)`, nil, ""},
		{"putIfAbsentPresent", `#set($context.responseOverride.header.X = "a")$context.responseOverride.header.putIfAbsent("X", "b")`, nil, ""},
		{"putIfAbsentAbsent", `$context.responseOverride.header.putIfAbsent("X", "b")#set($context.responseOverride.header.X = "a")`,
			nil, `override "$context.responseOverride.header.X" ` + twice},
		{"earlierTemplate", `#set($context.responseOverride.status = 201)#set($context.responseOverride.header.X = "b")`,
			&Input{Overrides: overridesOf(t, `#set($context.responseOverride.status = 444)#set($context.responseOverride.header.X = "a")`)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in == nil {
				in = &Input{}
			}
			_, err := Must(Parse("t", tc.tmpl)).Execute(in)
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("Execute(%q): %v", tc.tmpl, err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("Execute(%q) error = %v, want %q", tc.tmpl, err, tc.err)
			}
		})
	}
}

// overridesOf returns the overrides a template leaves.
func overridesOf(t *testing.T, tmpl string) *Overrides {
	t.Helper()
	res, err := Must(Parse("earlier", tmpl)).Execute(&Input{})
	if err != nil {
		t.Fatal(err)
	}
	return &res.Overrides
}

// TestOverrideOnceReused checks that a pooled execution state forgets the
// parameters the previous execution overrode.
func TestOverrideOnceReused(t *testing.T) {
	tmpl := Must(Parse("t", `#set($context.responseOverride.status = 201)`))
	for range 3 {
		if res, err := tmpl.Execute(&Input{}); err != nil || res.Overrides.Response.Status != 201 {
			t.Fatalf("Execute() = %+v, %v", res, err)
		}
	}
}
