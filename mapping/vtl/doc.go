// Package vtl runs API Gateway mapping templates as API Gateway runs
// them: the Velocity Template Language (VTL) of Apache Velocity 1.7 with
// API Gateway's $input, $util, $context and $stageVariables, its null
// rules and its limits. Package mapping runs the templates of a whole
// custom integration; this package is the engine.
//
// Parse a template once and execute it many times:
//
//	t, err := vtl.Parse("calc-request", src)
//	res, err := t.Execute(&vtl.Input{Body: body, QueryString: q})
//	// res.Output holds exactly the rendered bytes.
//
// A [Template] is immutable and safe for concurrent use by multiple
// goroutines. Execute must not run while the caller changes its [Input].
// [Template.AppendExecute] renders into a caller's buffer and, once warmed
// up, allocates nothing for templates that build no new maps or lists.
//
// The engine is split as text/template is: a lexer (lex.go) of state
// functions turns the source into items, one at a time as the parser
// pulls them, in text mode or in expression mode (inside a directive's
// parentheses, method arguments and indexes); a recursive-descent parser
// (parse.go) with a lookahead of two items builds an unexported syntax
// tree (node.go) whose String method gives canonical source; and one
// execution's state (exec.go) walks it. The Java object model ($input
// and $util, Java's String, Map and List methods, toString and JSON
// rendering) is in the other files, over a heap (heap.go) that pays for
// everything an execution builds.
//
// # Language
//
// References: $name, ${name}, $!name, $!{name}, property steps $a.b,
// method calls $a.m(x, y), indexes $a[0], $a["k"], $a[$k] (a negative list
// index counts from the end). Names are Velocity 1.7 identifiers: a letter
// or _, then letters, digits, _ and -. So "$a-b" is one reference.
//
// Directives: #set($ref = expr) (also "#set (" and assignment into maps:
// #set($m.k = v), #set($m[$k] = v)), #if/#elseif/#else/#end, #foreach($x
// in expr)...#end, #break, #stop, #define($block)...#end, and the formal
// forms #{if}, #{else}, #{end}. ## comments run to the end of the line and
// take the newline; #* *# comments do not; #[[ ]]# is unparsed text.
// #macro, #include, #parse and #evaluate are syntax errors (API Gateway
// does not document them). A "#name" that is no directive is text.
//
// Expressions, lowest precedence first: || (or), && (and), == != (eq ne),
// < > <= >= (lt gt le ge), + -, * / %, ! (not). Literals: integers,
// decimals, 'single-quoted' strings (literal), "double-quoted" strings
// (interpolated: references and directives inside are rendered), true,
// false, lists [a, b], ranges [1..n], maps {k: v}. A doubled quote inside
// a string stands for one quote; backslashes are not escapes. As in
// Velocity 1.7 there is no null literal: use an undefined reference such
// as $null.
//
// Whitespace follows Velocity 1.7: the ")" of #set, #if, #elseif,
// #foreach and #define, and #else and #end, swallow the blanks and the one
// newline that immediately follow them; #set also swallows the blanks
// before it when they start a token; everything else is output verbatim.
// The lexer quirks of Velocity 1.7 that the differential test found are
// reproduced too: right after a reference, "{name}" renders as "{"; after
// a property step "##" is text; after a method call "name.name" renders
// only the first name; "$!" before anything but a name renders as "$".
//
// # Values
//
// Values behave as the Java objects Velocity sees: strings, Integer/Long,
// Double, Boolean, maps (insertion-ordered), lists, and JSON arrays.
// Rendering follows Java's toString: maps as {k=v, k2=v2}, lists built in
// a template as [a, b], JSON arrays (from $input.path and $util.parseJson)
// as compact JSON, doubles as Double.toString does (10.0, 1.0E10). Integer
// arithmetic stays integral (7 / 2 is 3) and division by zero is null; an
// overflow becomes a double (Velocity would use a BigInteger). + with a
// string operand concatenates.
//
// Methods are the Java methods templates use: on strings length, substring,
// indexOf, lastIndexOf, charAt, contains, startsWith, endsWith, equals,
// equalsIgnoreCase, isEmpty, trim, toLowerCase, toUpperCase, replace,
// replaceAll, replaceFirst, matches, split, concat, compareTo (indexes are
// UTF-16 code units, as in Java); on maps get, put, containsKey,
// containsValue, keySet, values, entrySet, size, isEmpty, remove, putAll,
// getOrDefault, putIfAbsent; on lists size, get, add, set, remove,
// contains, indexOf, isEmpty, addAll; toString and equals on everything.
// A property $x.name is Map.get("name") on maps, else getName() or
// isName(). A method that does not exist gives null; a Java exception
// (an index out of bounds, a bad group reference) stops the template with
// an [ExecError].
//
// Regular expressions (replaceAll, replaceFirst, matches, split) are Java
// regexes, translated to Go's regexp: $1 and ${name} in replacements,
// Java's treatment of "." and "\s", empty matches as Java finds them.
// Constructs Go cannot run (backreferences, lookaround, atomic groups,
// possessive quantifiers, nested classes) are errors, and so are the
// inputs on which a translation could differ from Java (for example "$"
// on text that ends with a line terminator, or \b next to non-ASCII
// letters): a template never gets a silently different answer.
//
// # Null
//
// API Gateway renders a null or undefined reference as the empty string,
// whether quiet ($!a) or not; in == and != a null is equal to "" and to
// another null (so "#if($x == "")" is true for a missing value). In #if
// (and under &&, || and !), a reference is false when it is null or
// false and true otherwise, "" and 0 included; as in Velocity 1.7, a
// literal there is false whatever its value: #if("x"), #if(""), #if(1),
// #if([1]). #set with a null right-hand side leaves its target unchanged.
// An escaped reference \$a renders "$a" when $a is defined and "\$a" when
// it is not (Velocity 1.7).
//
// # $input, $util, $stageVariables
//
// $input.body is the raw body, "{}" when there is none. $input.path(p)
// and $input.json(p) evaluate a JSONPath on the body parsed as json-smart
// does in permissive mode (text that is not JSON is a string, unquoted
// keys are accepted, text after the first value is ignored); the body is
// parsed when first needed, and a body that starts like JSON but is not
// gives a [*PayloadError] carrying API Gateway's "Could not process
// payload" message. JSONPath: $, .name, ['name'], [n], [-n], [*], .*, and
// ..name; paths without a leading $ get one. A path with a wildcard or a
// deep scan gives a JSON array of the matches; filters, slices and unions
// are errors. $input.path gives the native value (null when missing);
// $input.json writes it as compact JSON, "/" escaped as json-smart does,
// and a missing value as null.
//
// $input.params() is the map {path, querystring, header}; $input.params(x)
// looks in the path parameters, then the query string, then the headers,
// and gives "" when x is in none. A parameter that is present wins even
// when empty. Header names match exactly first, then ignoring case, since
// HTTP header names are case-insensitive.
//
// $util.escapeJavaScript is commons-lang 2's StringEscapeUtils (it turns '
// into \' and / into \/); $util.urlEncode and urlDecode are Java's
// URLEncoder and URLDecoder with UTF-8 (a malformed escape is an error);
// base64Encode and base64Decode use the standard padded alphabet over
// UTF-8; parseJson parses as $input.path does. Bare $input and $util
// render as the empty string.
//
// $stageVariables.name, $stageVariables['name'] and
// ${stageVariables['name']} read [Input.StageVariables].
//
// # $context and overrides
//
// $context is [Input.Context]; [ContextFromRequest] fills it from an
// [event.Request] with every variable API Gateway documents for mapping
// templates, in the key order AWS shows. The maps
// $context.requestOverride.{header,path,querystring} and
// $context.responseOverride.header always exist; what a template leaves
// in the two maps comes back in [Result.Overrides]: the headers, path and
// query string parameters and the status API Gateway applies (a list
// value becomes its elements joined with commas, as API Gateway sends
// multi-value headers), and the maps whole, every key a template added
// included, which [Input.Overrides] hands to the next template of the
// same request (the response template), as API Gateway carries them.
//
// Overrides are final, as API Gateway documents: an execution may
// override each parameter (a header, path or query string parameter of
// $context.requestOverride, a header or the status of
// $context.responseOverride) once. Writing the same parameter again, by
// #set, put, putAll or putIfAbsent, through any variable holding the map,
// stops the template with an [ExecError]. Other keys may be set again,
// and the next template of the request starts afresh.
//
// # Limits
//
// [Limits] bound a template; the zero value is API Gateway's: a template
// of at most 300 KB, at most 1,000 iterations of one #foreach (further
// elements are skipped, as Velocity's maxloops setting does), output and
// strings of at most 10 MB (the payload quota), and, where AWS documents
// nothing, at most 2,000,000 steps an execution, ranges of 100,000
// elements, and nesting of 100 (templates and values) and 512 (JSON).
// [Limits.Parse] parses a template with other limits; they hold for
// every execution of it. A template that reaches a limit stops with an
// [ExecError] whose Err is a [*LimitError] naming it.
//
// # Time and memory
//
// Every execution pays for its work from a budget of Limits.Steps steps,
// before or while doing the work. A step is one node or expression
// evaluated, one value made (a map, a list element, a map entry, a
// parsed JSON value), one element compared or rendered, or up to 64
// bytes of text built, copied or scanned; matching a regular expression
// pays for its input length times its program size over four. No
// operation builds a string or output longer than Limits.OutputSize: the
// ones that build (rendering a map or list, toString, $input.json,
// $util.escapeJavaScript and the other encoders, replaceAll, split,
// string concatenation, interpolation) check as they go. So, whatever the
// template and its input:
//
//   - the time of an execution is proportional to the steps it pays for,
//     at most Limits.Steps;
//   - the memory it allocates beyond its Input (values, strings, the
//     output) is proportional to the same steps: at most about 300
//     bytes a step in the worst cases the tests measure (a value is a
//     64-byte cell, slices grow by doubling, map entries are indexed),
//     and no more than the output, at most Limits.OutputSize, beyond
//     that. At the defaults a hostile template can so allocate some
//     hundreds of megabytes before it stops; lower Limits.Steps bounds
//     it tighter;
//   - reading a JSON body is linear in its length (a repeated key is
//     found through an index, not by scanning the keys before it), and
//     it is read at most once an execution for $input.path and
//     $input.json.
//
// An execution keeps little for the next: the buffer Execute allocates
// up front follows recent outputs up to 64 KB, and the arenas and slabs
// that a pooled execution state keeps are capped, so one large request
// does not make later ones hold its memory.
//
// Errors read "mapping: NAME:LINE:COL: message" ([ParseError],
// [ExecError]).
package vtl
