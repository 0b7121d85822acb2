package gateway_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/response"
)

// gatewayTests are the recorded outcomes of docs/evidence/responses.md#rest-proxy-output (REST proxy
// output validation, recorded on AWS) and the documented rules of 4.2.
var gatewayTests = []struct {
	name    string
	gw      gateway.OutputReader
	output  string
	fnError bool
	status  int
	header  [][2]string // headers that must be present, in order per name
	noHead  []string    // headers that must be absent
	body    string
}{
	{"rest status only", rest, `{"statusCode":200}`, false, 200, [][2]string{{"Content-Type", "application/json"}}, nil, ""},
	{"rest bool header", rest, `{"statusCode":200,"headers":{"test-header":"value","header-bool":true}}`, false, 200,
		[][2]string{{"test-header", "value"}, {"header-bool", "true"}}, nil, ""},
	{"rest null headers", rest, `{"statusCode":200,"headers":null}`, false, 200, nil, nil, ""},
	{"rest unknown member", rest, `{"statusCode":200,"wrongValue":"value"}`, false, 502,
		[][2]string{{"x-amzn-ErrorType", "InternalServerErrorException"}}, nil, `{"message":"Internal server error"}`},
	{"rest function error", rest, `{"errorMessage":"boom","errorType":"Error"}`, true, 502, nil, nil, `{"message":"Internal server error"}`},
	{"rest base64 without binary types", rest, `{"statusCode":200,"body":"dGVzdC1kYXRh","isBase64Encoded":true}`, false, 200, nil, nil, "dGVzdC1kYXRh"},
	{"rest multi values", rest, `{"statusCode":200,"multiValueHeaders":{"test-multi":["value1","value2"]}}`, false, 200,
		[][2]string{{"test-multi", "value1"}, {"test-multi", "value2"}}, nil, ""},
	{"rest multi first then single", rest, `{"statusCode":200,"multiValueHeaders":{"test-multi":["value-multi"]},"headers":{"test-multi":"value-solo"}}`, false, 200,
		[][2]string{{"test-multi", "value-multi"}, {"test-multi", "value-solo"}}, nil, ""},
	{"rest merge keeps multi spelling", rest, `{"statusCode":200,"multiValueHeaders":{"tesT-Multi":["a"]},"headers":{"test-multi":"b"}}`, false, 200,
		[][2]string{{"tesT-Multi", "a"}, {"tesT-Multi", "b"}}, nil, ""},
	{"rest same pair once", rest, `{"statusCode":200,"multiValueHeaders":{"x":["same"]},"headers":{"X":"same"}}`, false, 200,
		[][2]string{{"x", "same"}}, nil, ""},
	{"rest multi not a list", rest, `{"statusCode":200,"multiValueHeaders":{"x":"value1"}}`, false, 502, nil, nil, `{"message":"Internal server error"}`},
	{"rest status not a number", rest, `{"statusCode":"test"}`, false, 502, nil, nil, `{"message":"Internal server error"}`},
	{"rest status as string", rest, `{"statusCode":"201"}`, false, 201, nil, nil, ""},
	{"rest string output", rest, `"justAString"`, false, 502, nil, nil, `{"message":"Internal server error"}`},
	{"rest no status", rest, `{"headers":{"test-header":"value"}}`, false, 200, [][2]string{{"test-header", "value"}}, nil, ""},
	{"rest object body", rest, `{"statusCode":200,"body":{"a":1}}`, false, 502, nil, nil, `{"message":"Internal server error"}`},
	{"rest not json", rest, `{"statusCode":200`, false, 502, nil, nil, `{"message":"Internal server error"}`},
	{"rest keeps content type", rest, `{"statusCode":404,"headers":{"Content-Type":"text/plain"},"body":"nope"}`, false, 404,
		[][2]string{{"Content-Type", "text/plain"}}, nil, "nope"},
	{"rest binary first accept", restBinary("image/png", "image/png"), `{"statusCode":200,"body":"iVBORw==","isBase64Encoded":true}`, false, 200, nil, nil, "\x89PNG"},
	{"rest binary type wildcard", restBinary("image/png", "image/*"), `{"statusCode":200,"body":"iVBORw==","isBase64Encoded":true}`, false, 200, nil, nil, "\x89PNG"},
	{"rest binary left wildcard never", restBinary("image/png", "*/png"), `{"statusCode":200,"body":"iVBORw==","isBase64Encoded":true}`, false, 200, nil, nil, "iVBORw=="},
	{"rest binary accept any", restBinary("*/*", "image/png"), `{"statusCode":200,"body":"iVBORw==","isBase64Encoded":true}`, false, 200, nil, nil, "iVBORw=="},
	{"rest binary second accept", restBinary("image/webp,image/png", "image/png"), `{"statusCode":200,"body":"iVBORw==","isBase64Encoded":true}`, false, 200, nil, nil, "iVBORw=="},
	{"rest binary invalid base64", restBinary("image/png", "image/png"), `{"statusCode":200,"body":"%%%","isBase64Encoded":true}`, false, 500, nil, nil, `{"message":"Internal server error"}`},

	{"v2 string", v2, `"Hello from Lambda!"`, false, 200, [][2]string{{"Content-Type", "application/json"}}, nil, "Hello from Lambda!"},
	{"v2 object without status", v2, `{"message":"Hello from Lambda!"}`, false, 200, [][2]string{{"Content-Type", "application/json"}}, nil, `{"message":"Hello from Lambda!"}`},
	{"v2 body without status", v2, `{"body":"x"}`, false, 200, nil, nil, `{"body":"x"}`},
	{"v2 number", v2, `2`, false, 200, nil, nil, `2`},
	{"v2 full", v2, `{"statusCode":201,"headers":{"content-type":"text/plain","x-a":"1,2"},"cookies":["a=1","b=2; Path=/"],"body":"made"}`, false, 201,
		[][2]string{{"content-type", "text/plain"}, {"x-a", "1,2"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2; Path=/"}}, nil, "made"},
	{"v2 base64 always decoded", v2, `{"statusCode":200,"body":"aGk=","isBase64Encoded":true}`, false, 200, nil, nil, "hi"},
	{"v2 multi ignored", v2, `{"statusCode":200,"multiValueHeaders":{"x":["1"]}}`, false, 200, nil, []string{"x"}, ""},
	{"v2 function error", v2, `{"errorMessage":"boom"}`, true, 500, nil, []string{"x-amzn-ErrorType"}, `{"message":"Internal Server Error"}`},
	{"v2 invalid json", v2, `{`, false, 500, nil, nil, `{"message":"Internal Server Error"}`},
	{"v2 bad status", v2, `{"statusCode":"x"}`, false, 500, nil, nil, `{"message":"Internal Server Error"}`},

	{"http v1 needs status", httpV1, `{"headers":{}}`, false, 500, nil, nil, `{"message":"Internal Server Error"}`},
	{"http v1 ignores members", httpV1, `{"statusCode":200,"extra":1,"body":"ok"}`, false, 200, nil, nil, "ok"},
	{"http v1 base64", httpV1, `{"statusCode":200,"body":"aGk=","isBase64Encoded":true}`, false, 200, nil, nil, "hi"},

	{"url string shorthand keeps its quotes", url, `"Hello, world!"`, false, 200, [][2]string{{"Content-Type", "application/json"}}, nil, `"Hello, world!"`},
	{"http string shorthand is unquoted", v2, `"Hello, world!"`, false, 200, [][2]string{{"Content-Type", "application/json"}}, nil, `Hello, world!`},
	{"alb single", alb, `{"statusCode":200,"statusDescription":"200 OK","headers":{"x":"1"},"multiValueHeaders":{"y":["2"]},"body":"b"}`, false, 200,
		[][2]string{{"x", "1"}}, []string{"y"}, "b"},
	{"alb multi", albMulti, `{"statusCode":200,"headers":{"x":"1"},"multiValueHeaders":{"y":["2","3"]},"body":"b"}`, false, 200,
		[][2]string{{"y", "2"}, {"y", "3"}}, []string{"x"}, "b"},
	{"alb single given only multiValueHeaders", alb, `{"statusCode":200,"multiValueHeaders":{"y":["2"]},"body":"b"}`, false, 502, nil, nil,
		"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"},
	{"alb multi given only headers", albMulti, `{"statusCode":200,"headers":{"x":"1"},"body":"b"}`, false, 502, nil, nil,
		"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"},
	{"alb single without headers", alb, `{"statusCode":204}`, false, 204, nil, nil, ""},
	{"alb function error", alb, ``, true, 502, [][2]string{{"Content-Type", "text/html"}}, nil, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"},
}

var (
	rest     = gateway.OutputReader{Kind: event.REST}
	v2       = gateway.OutputReader{Kind: event.HTTPAPI}
	httpV1   = gateway.OutputReader{Kind: event.HTTPAPI, Payload: event.PayloadV1}
	alb      = gateway.OutputReader{Kind: event.ALB}
	url      = gateway.OutputReader{Kind: event.FunctionURL}
	albMulti = gateway.OutputReader{Kind: event.ALBMultiValue}
)

func restBinary(accept string, types ...string) gateway.OutputReader {
	return gateway.OutputReader{Kind: event.REST, Accept: accept, BinaryMediaTypes: types}
}

func TestOutputReader(t *testing.T) {
	for _, tt := range gatewayTests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := tt.gw.Read([]byte(tt.output), tt.fnError)
			if r.Status() != tt.status {
				t.Errorf("Read(%s).Status() = %d, want %d", tt.output, r.Status(), tt.status)
			}
			if string(r.Body) != tt.body {
				t.Errorf("Read(%s) body = %q, want %q", tt.output, r.Body, tt.body)
			}
			for _, h := range tt.header {
				found := false
				for _, f := range r.Header {
					if f.Name == h[0] && f.Value == h[1] {
						found = true
					}
				}
				if !found {
					t.Errorf("Read(%s) header %q: %q missing from %v", tt.output, h[0], h[1], r.Header)
				}
			}
			// Values of one name come out in the order the table lists them.
			for i := 1; i < len(tt.header); i++ {
				if tt.header[i][0] == tt.header[i-1][0] {
					got := strings.Join(r.Header.Values(tt.header[i][0]), "|")
					if !strings.Contains(got, tt.header[i-1][1]+"|"+tt.header[i][1]) {
						t.Errorf("Read(%s) %s values = %q, want %q before %q", tt.output, tt.header[i][0], got, tt.header[i-1][1], tt.header[i][1])
					}
				}
			}
			for _, n := range tt.noHead {
				if r.Header.Has(n) {
					t.Errorf("Read(%s) has header %q, want none", tt.output, n)
				}
			}
		})
	}
}

// repeatedMemberTests are outputs whose header maps repeat a member: the
// later one wins, as a JSON reader's map would have it. In headers the
// value is replaced where the name first came; in multiValueHeaders the
// later member's values come where it is, a null member is no member, and
// an empty list removes the name. Names compare exactly; the merge of the
// two maps then groups names ignoring case.
var repeatedMemberTests = []struct {
	name   string
	gw     gateway.OutputReader
	output string
	want   event.Header
}{
	{"headers", v2, `{"statusCode":200,"headers":{"x":"1","y":"2","x":"3"}}`,
		event.Header{{Name: "x", Value: "3"}, {Name: "y", Value: "2"}, {Name: "Content-Type", Value: "application/json"}}},
	{"headers, names in two cases", v2, `{"statusCode":200,"headers":{"x":"1","X":"2","x":"3"}}`,
		event.Header{{Name: "x", Value: "3"}, {Name: "X", Value: "2"}, {Name: "Content-Type", Value: "application/json"}}},
	{"multi-value", albMulti, `{"statusCode":200,"multiValueHeaders":{"x":["1","2"],"y":["3"],"x":["4"]}}`,
		event.Header{{Name: "y", Value: "3"}, {Name: "x", Value: "4"}}},
	{"multi-value null keeps", albMulti, `{"statusCode":200,"multiValueHeaders":{"x":["1"],"x":null}}`,
		event.Header{{Name: "x", Value: "1"}}},
	{"multi-value empty list removes", albMulti, `{"statusCode":200,"multiValueHeaders":{"x":["1"],"y":["2"],"x":[]}}`,
		event.Header{{Name: "y", Value: "2"}}},
	{"rest merged", rest, `{"statusCode":200,"multiValueHeaders":{"x":["1"],"Y":["2"],"x":["3"]},"headers":{"X":"3","y":"4","X":"5"}}`,
		event.Header{{Name: "Y", Value: "2"}, {Name: "Y", Value: "4"}, {Name: "x", Value: "3"}, {Name: "x", Value: "5"}, {Name: "Content-Type", Value: "application/json"}}},
}

func TestOutputReaderRepeatedMembers(t *testing.T) {
	for _, tt := range repeatedMemberTests {
		r, err := tt.gw.Read([]byte(tt.output), false)
		if err != nil {
			t.Errorf("%s: Read(%s): %v", tt.name, tt.output, err)
			continue
		}
		if fmt.Sprint(r.Header) != fmt.Sprint(tt.want) {
			t.Errorf("%s: Read(%s) headers = %v, want %v", tt.name, tt.output, r.Header, tt.want)
		}
	}
}

// FuzzOutputReader checks that no output makes the gateway side panic, that
// every answer has a valid status, and that an output the encoder wrote
// always reads back.
func FuzzOutputReader(f *testing.F) {
	for _, tt := range gatewayTests {
		f.Add([]byte(tt.output), uint8(tt.gw.Kind), tt.gw.Payload == event.PayloadV1)
	}
	for _, tt := range repeatedMemberTests {
		f.Add([]byte(tt.output), uint8(tt.gw.Kind), tt.gw.Payload == event.PayloadV1)
	}
	f.Fuzz(func(t *testing.T, output []byte, src uint8, v1 bool) {
		g := gateway.OutputReader{Kind: event.Source(src%6 + 1), Accept: "image/png", BinaryMediaTypes: []string{"image/*"}}
		if v1 {
			g.Payload = event.PayloadV1
		}
		r, err := g.Read(output, false)
		if s := r.Status(); s < 100 || s > 599 {
			t.Fatalf("Read(%q) status %d", output, s)
		}
		if err == nil {
			// What the gateway accepted, re-encoded for its source, reads
			// back the same.
			req := event.New(g.Kind, "GET", "/", nil)
			req.Version = g.Payload
			if g.Kind == event.HTTPAPI && g.Payload == "" {
				req.Version = event.PayloadV2
			}
			r.Encoding = response.Base64Encoding
			out, err := response.Marshal(req, r)
			if err != nil {
				return // e.g. a header value with CR or LF, which the encoder refuses
			}
			again, err := g.Read(out, false)
			if err != nil || again.Status() != r.Status() || string(again.Body) != string(r.Body) {
				t.Fatalf("Read(%q) = %d %q; re-encoded %s reads %d %q, %v", output, r.Status(), r.Body, out, again.Status(), again.Body, err)
			}
		}
	})
}
