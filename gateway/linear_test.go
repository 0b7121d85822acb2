package gateway_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/internal/costtest"
)

// members returns n JSON object members "name(i)":value(i).
func members(n int, name func(int) string, value func(int) string) string {
	ms := make([]string, n)
	for i := range ms {
		ms[i] = fmt.Sprintf("%q:%s", name(i), value(i))
	}
	return strings.Join(ms, ",")
}

// TestOutputReaderLinear bounds the cost of reading function outputs with
// many headers at two sizes, for every kind of API: names distinct, all
// one name, every case spelling of one name, members repeated, and
// single-value headers that the multi-value ones already hold.
func TestOutputReaderLinear(t *testing.T) {
	distinct, same, spelled := costtest.Names[0].Name, costtest.Names[1].Name, costtest.Names[2].Name
	str := func(i int) string { return fmt.Sprintf(`"v%d"`, i) }
	one := func(int) string { return `"v"` }
	list := func(i int) string { return fmt.Sprintf(`["v%d","w%d"]`, i, i) }
	cookies := func(n int) string {
		cs := make([]string, n)
		for i := range cs {
			cs[i] = fmt.Sprintf(`"c%d=%d"`, i, i)
		}
		return `"cookies":[` + strings.Join(cs, ",") + `]`
	}
	for _, tt := range []struct {
		name   string
		reader gateway.OutputReader
		output func(n int) string
	}{
		{"REST, both maps, distinct names", rest, func(n int) string {
			return `{"statusCode":200,"headers":{` + members(n, distinct, str) + `},"multiValueHeaders":{` + members(n, distinct, list) + `},"body":"b"}`
		}},
		{"REST, single names in another case", rest, func(n int) string {
			upper := func(i int) string { return strings.ToUpper(distinct(i)) }
			return `{"statusCode":200,"headers":{` + members(n, upper, str) + `},"multiValueHeaders":{` + members(n, distinct, list) + `}}`
		}},
		{"REST, every case spelling of one name, one value", rest, func(n int) string {
			return `{"statusCode":200,"headers":{` + members(n, spelled, one) + `},"multiValueHeaders":{` + members(n, spelled, func(int) string { return `["v"]` }) + `}}`
		}},
		{"REST, one name repeated in both maps", rest, func(n int) string {
			return `{"statusCode":200,"headers":{` + members(n, same, str) + `},"multiValueHeaders":{` + members(n, same, list) + `}}`
		}},
		{"HTTP API, headers and cookies", v2, func(n int) string {
			return `{"statusCode":200,"headers":{` + members(n, distinct, str) + `},` + cookies(n) + `,"body":"b"}`
		}},
		{"HTTP API, one name repeated", v2, func(n int) string {
			return `{"statusCode":200,"headers":{` + members(n, same, str) + `}}`
		}},
		{"HTTP API payload 1.0", httpV1, func(n int) string {
			return `{"statusCode":200,"headers":{` + members(n, spelled, str) + `},"multiValueHeaders":{` + members(n, distinct, list) + `}}`
		}},
		{"ALB", alb, func(n int) string {
			return `{"statusCode":200,"headers":{` + members(n, distinct, str) + `}}`
		}},
		{"ALB multi-value, distinct names", albMulti, func(n int) string {
			return `{"statusCode":200,"multiValueHeaders":{` + members(n, distinct, list) + `}}`
		}},
		{"ALB multi-value, one name repeated", albMulti, func(n int) string {
			return `{"statusCode":200,"multiValueHeaders":{` + members(n, same, list) + `}}`
		}},
	} {
		costtest.Linear(t, "Read: "+tt.name, 512, func(n int) func() {
			out := []byte(tt.output(n))
			if _, err := tt.reader.Read(out, false); err != nil {
				t.Fatalf("%s: Read: %v", tt.name, err)
			}
			return func() { tt.reader.Read(out, false) }
		})
	}
}
