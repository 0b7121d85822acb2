package vtl_test

import (
	"fmt"
	"os"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/mapping/vtl"
)

// The request template of the Calc tutorial's GET /calc/{a}/{b}/{op}
// method turns path parameters into the JSON the function expects.
func ExampleParse() {
	t := vtl.Must(vtl.Parse("calc", `{
   "a": "$input.params('operand1')",
   "b": "$input.params('operand2')",
   "op": #if($input.params('operator')=='%2F')"/"#{else}"$input.params('operator')"#end
}`))
	res, err := t.Execute(&vtl.Input{Path: event.Params{
		{Name: "operand1", Value: "6"}, {Name: "operand2", Value: "3"}, {Name: "operator", Value: "%2F"},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s\n", res.Output)
	// Output:
	// {
	//    "a": "6",
	//    "b": "3",
	//    "op": "/"}
}

// A response template reads the integration's JSON body with
// $input.path; values render as Java renders them.
func ExampleTemplate_Execute() {
	t := vtl.Must(vtl.Parse("result", `#set($r = $input.path('$'))
$r.c is $r.a $r.op $r.b; input was $r; json: $input.json('$.list')`))
	res, err := t.Execute(&vtl.Input{Body: []byte(`{"a": 1, "b": 2.50, "op": "+", "c": 3.5, "list": [1, "x/y"]}`)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s\n", res.Output)
	// Output:
	// 3.5 is 1 + 2.5; input was {a=1, b=2.5, op=+, c=3.5, list=[1,"x\/y"]}; json: [1,"x\/y"]
}

// A template can override the status and headers of the response, and
// the headers, path and query string of the integration request.
func ExampleTemplate_Execute_overrides() {
	t := vtl.Must(vtl.Parse("override", `#set($context.responseOverride.status = 404)
#set($context.responseOverride.header["X-Reason"] = "no pet $input.params('id')")
{"message": "not found"}`))
	res, err := t.Execute(&vtl.Input{Path: event.Params{{Name: "id", Value: "7"}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(res.Output))
	fmt.Println(res.Overrides.Response.Status, res.Overrides.Response.Header["X-Reason"])
	// Output:
	// {"message": "not found"}
	// 404 no pet 7
}

// API Gateway renders missing values as empty strings, so a template
// that checks for a missing parameter must compare with "": a missing
// parameter is "", which #if treats as true.
func ExampleTemplate_Execute_incorrect() {
	t := vtl.Must(vtl.Parse("missing", `#if($input.params('limit'))limit set (wrong)#end
#if($input.params('limit') != "")limit set#{else}no limit#end`))
	res, _ := t.Execute(&vtl.Input{})
	fmt.Println(string(res.Output))
	// Output:
	// limit set (wrong)no limit
}

// ContextFromRequest fills $context from a request.
func ExampleContextFromRequest() {
	r := &event.Request{Source: event.REST, Method: "GET", Path: "/pets", Stage: "prod", Resource: "/pets", SourceIP: "192.0.2.1"}
	t := vtl.Must(vtl.Parse("ctx", `$context.httpMethod $context.path $context.resourcePath $context.identity.sourceIp`))
	res, err := t.Execute(&vtl.Input{Context: vtl.ContextFromRequest(r)})
	if err != nil {
		fmt.Println(err)
		return
	}
	os.Stdout.Write(res.Output)
	fmt.Println()
	// Output:
	// GET /prod/pets /pets 192.0.2.1
}

// Errors name the template, line and column.
func ExampleParse_error() {
	_, err := vtl.Parse("request.vtl", "{\n  #if($a == 1)\n  \"a\": 1\n}")
	fmt.Println(err)
	// Output:
	// mapping: request.vtl:2:3: unclosed #if: missing #end
}
