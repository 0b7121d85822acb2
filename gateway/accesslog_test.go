package gateway

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/event"
)

// restRecord is a REST request through a Lambda proxy integration: the
// values hand-checked in the preset tests below.
func restAccessRecord() *accessRecord {
	start := time.Date(2023, 10, 27, 13, 40, 57, 744_000_000, time.UTC)
	return &accessRecord{
		RequestID:         "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
		ExtendedRequestID: "YIwYiFstIAMESqA=",
		Start:             start,
		SourceIP:          "51.14.4.225",
		UserAgent:         "curl/8.4.0",
		Protocol:          "HTTP/1.1",
		DomainName:        "abcdef1234.execute-api.us-east-1.amazonaws.com",
		APIID:             "abcdef1234",
		AccountID:         "123456789012",
		Stage:             "prod",
		Path:              "/prod/pets/7",
		Method:            "GET",
		ResourcePath:      "/pets/{id}",
		ResourceID:        "a1b2c3",
		IntegrationStart:  start.Add(3 * time.Millisecond),
		IntegrationEnd:    start.Add(45*time.Millisecond + 900*time.Microsecond),
		InvokeStatus:      200,
		IntegrationStatus: 201,
		LambdaRequestID:   "3c5e0e1f-1d1a-4b6e-9f5e-0a1b2c3d4e5f",
		Status:            201,
		ResponseLength:    17,
		End:               start.Add(48 * time.Millisecond),
	}
}

// httpRecord is an HTTP API request on the $default stage.
func httpAccessRecord() *accessRecord {
	start := time.Date(2024, 7, 10, 18, 14, 22, 451_000_000, time.UTC)
	return &accessRecord{
		RequestID:         "LV7fzho-PHcEJPw=",
		Start:             start,
		SourceIP:          "192.0.2.1",
		UserAgent:         "Mozilla/5.0",
		Protocol:          "HTTP/1.1",
		DomainName:        "abcdef1234.execute-api.us-east-1.amazonaws.com",
		APIID:             "abcdef1234",
		AccountID:         "123456789012",
		Stage:             "$default",
		Path:              "/pets/7",
		Method:            "GET",
		RouteKey:          "GET /pets/{id}",
		IntegrationStart:  start.Add(2 * time.Millisecond),
		IntegrationEnd:    start.Add(12 * time.Millisecond),
		InvokeStatus:      200,
		IntegrationStatus: 200,
		LambdaRequestID:   "9a1b2c3d-0000-4000-8000-000000000001",
		Status:            200,
		ResponseLength:    5,
		End:               start.Add(14 * time.Millisecond),
	}
}

func renderAccess(t testing.TB, kind event.Source, format string, r *accessRecord) string {
	t.Helper()
	f, err := parseAccessFormat(kind, format)
	if err != nil {
		t.Fatalf("parseAccessFormat(%v, %q): %v", kind, format, err)
	}
	return string(f.appendLine(nil, r))
}

// TestAccessLogPresets renders each console preset for a hand-checked
// request. AWS documents the presets but no output for them, so the
// expected lines are written by hand from the variable tables.
func TestAccessLogPresets(t *testing.T) {
	for _, tt := range []struct {
		name   string
		kind   event.Source
		format string
		record *accessRecord
		want   string
	}{
		{"REST CLF", event.REST, RESTAccessLogCLF, restAccessRecord(),
			`51.14.4.225 - - [27/Oct/2023:13:40:57 +0000]"GET /pets/{id} HTTP/1.1" 201 17 c6af9ac6-7b61-11e6-9a41-93e8deadbeef YIwYiFstIAMESqA=`},
		{"REST JSON", event.REST, RESTAccessLogJSON, restAccessRecord(),
			`{ "requestId":"c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "extendedRequestId":"YIwYiFstIAMESqA=","ip": "51.14.4.225", "caller":"-", "user":"-", "requestTime":"27/Oct/2023:13:40:57 +0000", "httpMethod":"GET", "resourcePath":"/pets/{id}", "status":"201", "protocol":"HTTP/1.1", "responseLength":"17" }`},
		{"REST XML", event.REST, RESTAccessLogXML, restAccessRecord(),
			`<request id="c6af9ac6-7b61-11e6-9a41-93e8deadbeef"> <extendedRequestId>YIwYiFstIAMESqA=</extendedRequestId> <ip>51.14.4.225</ip> <caller>-</caller> <user>-</user> <requestTime>27/Oct/2023:13:40:57 +0000</requestTime> <httpMethod>GET</httpMethod> <resourcePath>/pets/{id}</resourcePath> <status>201</status> <protocol>HTTP/1.1</protocol> <responseLength>17</responseLength> </request>`},
		{"REST CSV", event.REST, RESTAccessLogCSV, restAccessRecord(),
			`51.14.4.225,-,-,27/Oct/2023:13:40:57 +0000,GET,/pets/{id},HTTP/1.1,201,17,c6af9ac6-7b61-11e6-9a41-93e8deadbeef,YIwYiFstIAMESqA=`},
		// HTTP APIs log the request id as the extended request id.
		{"HTTP CLF", event.HTTPAPI, HTTPAccessLogCLF, httpAccessRecord(),
			`192.0.2.1 - - [10/Jul/2024:18:14:22 +0000] "GET GET /pets/{id} HTTP/1.1" 200 5 LV7fzho-PHcEJPw= LV7fzho-PHcEJPw=`},
		{"HTTP JSON", event.HTTPAPI, HTTPAccessLogJSON, httpAccessRecord(),
			`{ "requestId":"LV7fzho-PHcEJPw=", "ip": "192.0.2.1", "requestTime":"10/Jul/2024:18:14:22 +0000", "httpMethod":"GET","routeKey":"GET /pets/{id}", "status":"200","protocol":"HTTP/1.1", "responseLength":"5", "extendedRequestId": "LV7fzho-PHcEJPw=" }`},
		{"HTTP XML", event.HTTPAPI, HTTPAccessLogXML, httpAccessRecord(),
			`<request id="LV7fzho-PHcEJPw="> <ip>192.0.2.1</ip> <requestTime>10/Jul/2024:18:14:22 +0000</requestTime> <httpMethod>GET</httpMethod> <routeKey>GET /pets/{id}</routeKey> <status>200</status> <protocol>HTTP/1.1</protocol> <responseLength>5</responseLength> <extendedRequestId>LV7fzho-PHcEJPw=</extendedRequestId> </request>`},
		{"HTTP CSV", event.HTTPAPI, HTTPAccessLogCSV, httpAccessRecord(),
			`192.0.2.1,10/Jul/2024:18:14:22 +0000,GET,GET /pets/{id},HTTP/1.1,200,5,LV7fzho-PHcEJPw=,LV7fzho-PHcEJPw=`},
		// A REST API accepts the HTTP API presets; routeKey, an HTTP API
		// variable, is "-" there.
		{"HTTP CLF on REST", event.REST, HTTPAccessLogCLF, restAccessRecord(),
			`51.14.4.225 - - [27/Oct/2023:13:40:57 +0000] "GET - HTTP/1.1" 201 17 c6af9ac6-7b61-11e6-9a41-93e8deadbeef YIwYiFstIAMESqA=`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := renderAccess(t, tt.kind, tt.format, tt.record); got != tt.want {
				t.Errorf("rendered\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestAccessLogPresetsDecode decodes the JSON, XML and CSV presets with
// the standard library's decoders, for a request whose values carry the
// characters that break such lines unless escaped.
func TestAccessLogPresetsDecode(t *testing.T) {
	r := restAccessRecord()
	r.UserAgent = `ua "quoted" \ back`
	r.Caller = `a"b`
	r.ResourcePath = `/x"y`
	line := renderAccess(t, event.REST, RESTAccessLogJSON, r)
	var got map[string]string
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatalf("REST JSON line does not decode: %v\n%s", err, line)
	}
	want := map[string]string{
		"requestId": r.RequestID, "extendedRequestId": r.ExtendedRequestID, "ip": r.SourceIP,
		"caller": `a"b`, "user": "-", "requestTime": "27/Oct/2023:13:40:57 +0000", "httpMethod": "GET",
		"resourcePath": `/x"y`, "status": "201", "protocol": "HTTP/1.1", "responseLength": "17",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("REST JSON fields (-want +got):\n%s", diff)
	}

	h := httpAccessRecord()
	h.UserAgent = "x\ny"
	var hj map[string]string
	if line := renderAccess(t, event.HTTPAPI, HTTPAccessLogJSON, h); json.Unmarshal([]byte(line), &hj) != nil || hj["routeKey"] != "GET /pets/{id}" {
		t.Errorf("HTTP JSON line %q decodes to %v", line, hj)
	}

	var x struct {
		ID           string `xml:"id,attr"`
		ExtendedID   string `xml:"extendedRequestId"`
		IP           string `xml:"ip"`
		RequestTime  string `xml:"requestTime"`
		ResourcePath string `xml:"resourcePath"`
		Status       int    `xml:"status"`
		Length       int    `xml:"responseLength"`
	}
	line = renderAccess(t, event.REST, RESTAccessLogXML, restAccessRecord())
	if err := xml.Unmarshal([]byte(line), &x); err != nil {
		t.Fatalf("REST XML line does not decode: %v", err)
	}
	if x.ID != r.RequestID || x.ExtendedID != r.ExtendedRequestID || x.Status != 201 || x.Length != 17 || x.ResourcePath != "/pets/{id}" {
		t.Errorf("REST XML decodes to %+v", x)
	}

	rec, err := csv.NewReader(strings.NewReader(renderAccess(t, event.HTTPAPI, HTTPAccessLogCSV, httpAccessRecord()))).Read()
	if err != nil {
		t.Fatal(err)
	}
	wantCSV := []string{"192.0.2.1", "10/Jul/2024:18:14:22 +0000", "GET", "GET /pets/{id}", "HTTP/1.1", "200", "5", "LV7fzho-PHcEJPw=", "LV7fzho-PHcEJPw="}
	if diff := cmp.Diff(wantCSV, rec); diff != "" {
		t.Errorf("HTTP CSV fields (-want +got):\n%s", diff)
	}
}

// TestAccessLogRecorded reproduces access log values published from AWS
// (docs/evidence/observability.md cites each).
func TestAccessLogRecorded(t *testing.T) {
	t.Run("REST, quoted user agent (DataBiosphere/azul#4348)", func(t *testing.T) {
		start := time.UnixMilli(1720635262451)
		r := &accessRecord{
			RequestID:        "e21d5914-d1e1-4e48-8826-8c968a40276a",
			Start:            start,
			UserAgent:        `""This is a special user-agent""`,
			Protocol:         "HTTP/1.1",
			Path:             "/index/projects",
			Stage:            "dev",
			IntegrationStart: start.Add(5 * time.Millisecond),
			IntegrationEnd:   start.Add(622 * time.Millisecond),
			InvokeStatus:     200, IntegrationStatus: 200,
			Status: 200, ResponseLength: 223042,
			End: start.Add(629 * time.Millisecond),
		}
		format := `{"identity_user": "$context.identity.user", "identity_userAgent": "$context.identity.userAgent", "identity_userArn": "$context.identity.userArn", "integration_error": "$context.integration.error", "integration_integrationStatus": "$context.integration.integrationStatus", "integration_latency": "$context.integration.latency", "integration_status": "$context.integration.status", "integrationErrorMessage": "$context.integrationErrorMessage", "integrationLatency": "$context.integrationLatency", "integrationStatus": "$context.integrationStatus", "path": "$context.path", "protocol": "$context.protocol", "requestId": "$context.requestId", "requestTime": "$context.requestTime", "requestTimeEpoch": "$context.requestTimeEpoch", "responseLatency": "$context.responseLatency", "responseLength": "$context.responseLength", "routeKey": "$context.routeKey", "stage": "$context.stage", "status": "$context.status"}`
		want := `{"identity_user": "-", "identity_userAgent": "\"\"This is a special user-agent\"\"", "identity_userArn": "-", "integration_error": "-", "integration_integrationStatus": "200", "integration_latency": "617", "integration_status": "200", "integrationErrorMessage": "-", "integrationLatency": "617", "integrationStatus": "200", "path": "/index/projects", "protocol": "HTTP/1.1", "requestId": "e21d5914-d1e1-4e48-8826-8c968a40276a", "requestTime": "10/Jul/2024:18:14:22 +0000", "requestTimeEpoch": "1720635262451", "responseLatency": "629", "responseLength": "223042", "routeKey": "-", "stage": "dev", "status": "200"}`
		if got := renderAccess(t, event.REST, format, r); got != want {
			t.Errorf("rendered\n%s\nwant\n%s", got, want)
		}
		// The second capture of the issue: a backslash too.
		r.UserAgent = `""\"This is a special user-agent\""""`
		if got, want := renderAccess(t, event.REST, `$context.requestId "$context.identity.userAgent"`, r),
			`e21d5914-d1e1-4e48-8826-8c968a40276a "\"\"\\\"This is a special user-agent\\\"\"\"\""`; got != want {
			t.Errorf("rendered %s, want %s", got, want)
		}
	})
	t.Run("REST, client error (ministryofjustice/modernisation-platform-environments#3807)", func(t *testing.T) {
		r := &accessRecord{
			RequestID: "a4188e34-1104-424e-9907-eebbf55dd662",
			Start:     time.UnixMilli(1698414057744),
			SourceIP:  "51.14.4.225", Method: "POST", Protocol: "HTTP/1.1",
			Path:         "/development/data-product/test_product1/table/%c2%a3/schema",
			ResourcePath: "/data-product/{data-product-name}/table/{table-name}/schema",
			Status:       400, ResponseLength: 87,
		}
		format := `{"caller":"$context.identity.caller","ip":"$context.identity.sourceIp","method":"$context.httpMethod","path":"$context.path","protocol":"$context.protocol","requestId":"$context.requestId","requestTime":"$context.requestTime","requestTimeEpoch":"$context.requestTimeEpoch","resourcePath":"$context.resourcePath","responseLength":"$context.responseLength","status":"$context.status","user":"$context.identity.user"}`
		want := `{"caller":"-","ip":"51.14.4.225","method":"POST","path":"/development/data-product/test_product1/table/%c2%a3/schema","protocol":"HTTP/1.1","requestId":"a4188e34-1104-424e-9907-eebbf55dd662","requestTime":"27/Oct/2023:13:40:57 +0000","requestTimeEpoch":"1698414057744","resourcePath":"/data-product/{data-product-name}/table/{table-name}/schema","responseLength":"87","status":"400","user":"-"}`
		if got := renderAccess(t, event.REST, format, r); got != want {
			t.Errorf("rendered\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("REST, integration timeout (DataBiosphere/azul#6284)", func(t *testing.T) {
		start := time.Date(2024, 5, 21, 19, 48, 15, 0, time.UTC)
		r := &accessRecord{
			RequestID: "3a5aa225-0000-4000-8000-000000000000", Start: start,
			IntegrationStart:  start.Add(time.Millisecond),
			ErrorMessage:      "Endpoint request timed out",
			ErrorResponseType: "INTEGRATION_TIMEOUT",
			Status:            504, ResponseLength: 41, End: start.Add(29009 * time.Millisecond),
		}
		format := `{"awsEndpointRequestId": "$context.awsEndpointRequestId", "error_message": "$context.error.message", "error_messageString": $context.error.messageString, "error_responseType": "$context.error.responseType", "integrationLatency": "$context.integrationLatency", "responseLatency": "$context.responseLatency", "status": "$context.status", "requestId": "$context.requestId"}`
		want := `{"awsEndpointRequestId": "-", "error_message": "Endpoint request timed out", "error_messageString": "Endpoint request timed out", "error_responseType": "INTEGRATION_TIMEOUT", "integrationLatency": "29008", "responseLatency": "29009", "status": "504", "requestId": "3a5aa225-0000-4000-8000-000000000000"}`
		if got := renderAccess(t, event.REST, format, r); got != want {
			t.Errorf("rendered\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("REST, gateway's own 403 (DataBiosphere/azul#7470)", func(t *testing.T) {
		r := &accessRecord{
			RequestID: "x", Status: 403, ResponseLength: 42,
			ErrorMessage: "Missing Authentication Token", ErrorResponseType: "MISSING_AUTHENTICATION_TOKEN",
		}
		format := `$context.requestId $context.error.responseType $context.status $context.integration.status $context.integration.integrationStatus "$context.error.message" $context.integration.error`
		want := `x MISSING_AUTHENTICATION_TOKEN 403 - - "Missing Authentication Token" -`
		if got := renderAccess(t, event.REST, format, r); got != want {
			t.Errorf("rendered %s, want %s", got, want)
		}
	})
}

// TestAccessLogValues checks each variable's rendering, absent and
// present, for both kinds.
func TestAccessLogValues(t *testing.T) {
	rest, http := restAccessRecord(), httpAccessRecord()
	rest.ErrorMessage = `say "hi"`
	rest.ErrorResponseType = "DEFAULT_4XX"
	rest.IntegrationError = "Lambda Customer Function Error"
	rest.XRayTraceID = "1-5759e988-bd862e3fe1be46a994272793"
	for _, tt := range []struct {
		kind       event.Source
		variable   string
		present    string // rendered for restRecord or httpRecord
		absentWant string // rendered for a zero record; "" means "-"
	}{
		{event.REST, "accountId", "123456789012", ""},
		{event.REST, "apiId", "abcdef1234", ""},
		{event.REST, "awsEndpointRequestId", "3c5e0e1f-1d1a-4b6e-9f5e-0a1b2c3d4e5f", ""},
		{event.REST, "integration.requestId", "3c5e0e1f-1d1a-4b6e-9f5e-0a1b2c3d4e5f", ""},
		{event.REST, "awsEndpointRequestId2", "-", ""},
		{event.REST, "customDomain.basePathMatched", "-", ""},
		{event.REST, "domainName", "abcdef1234.execute-api.us-east-1.amazonaws.com", ""},
		{event.REST, "domainPrefix", "abcdef1234", ""},
		{event.REST, "error.message", `say \"hi\"`, ""},
		{event.REST, "error.messageString", `"say \"hi\""`, ""},
		{event.REST, "error.responseType", "DEFAULT_4XX", ""},
		{event.REST, "extendedRequestId", "YIwYiFstIAMESqA=", ""},
		{event.REST, "httpMethod", "GET", ""},
		{event.REST, "identity.sourceIp", "51.14.4.225", ""},
		{event.REST, "identity.userAgent", "curl/8.4.0", ""},
		{event.REST, "identity.caller", "-", ""},
		{event.REST, "identity.cognitoIdentityId", "-", ""},
		{event.REST, "integration.error", "Lambda Customer Function Error", ""},
		{event.REST, "integrationErrorMessage", "Lambda Customer Function Error", ""},
		{event.REST, "integration.integrationStatus", "200", ""},
		{event.REST, "integrationStatus", "200", ""},
		{event.REST, "integration.status", "201", ""},
		{event.REST, "integration.latency", "42", ""},
		{event.REST, "integrationLatency", "42", ""},
		{event.REST, "path", "/prod/pets/7", ""},
		{event.REST, "protocol", "HTTP/1.1", ""},
		{event.REST, "requestId", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", ""},
		{event.REST, "requestTime", "27/Oct/2023:13:40:57 +0000", ""},
		{event.REST, "requestTimeEpoch", "1698414057744", ""},
		{event.REST, "resourceId", "a1b2c3", ""},
		{event.REST, "resourcePath", "/pets/{id}", ""},
		{event.REST, "responseLatency", "48", ""},
		{event.REST, "responseLength", "17", ""},
		{event.REST, "routeKey", "-", ""},
		{event.REST, "dataProcessed", "-", ""},
		{event.REST, "stage", "prod", ""},
		{event.REST, "status", "201", ""},
		{event.REST, "xrayTraceId", "1-5759e988-bd862e3fe1be46a994272793", ""},
		{event.REST, "authorizer.principalId", "-", ""},
		{event.REST, "authorizer.claims.email", "-", ""},
		{event.REST, "requestOverride.header.X-Custom", "-", ""},
		{event.REST, "waf.status", "-", ""},
		{event.REST, "isCanaryRequest", "-", ""},
		{event.HTTPAPI, "extendedRequestId", "LV7fzho-PHcEJPw=", ""},
		{event.HTTPAPI, "routeKey", "GET /pets/{id}", ""},
		{event.HTTPAPI, "requestTimeEpoch", "1720635262", ""},
		{event.HTTPAPI, "integrationLatency", "10", ""},
		{event.HTTPAPI, "dataProcessed", "-", ""},
		{event.HTTPAPI, "authorizer.claims.username", "-", ""},
		{event.HTTPAPI, "stage", "$default", ""},
	} {
		format := "$context.requestId $context." + tt.variable
		rec, prefix := rest, rest.RequestID+" "
		if tt.kind == event.HTTPAPI {
			rec, prefix = http, http.RequestID+" "
		}
		if got := renderAccess(t, tt.kind, format, rec); got != prefix+tt.present {
			t.Errorf("%v $context.%s = %q, want %q", tt.kind, tt.variable, strings.TrimPrefix(got, prefix), tt.present)
		}
		want := tt.absentWant
		if want == "" {
			want = "-"
		}
		if got := renderAccess(t, tt.kind, format, &accessRecord{}); got != "- "+want {
			t.Errorf("%v $context.%s of an empty record = %q, want %q", tt.kind, tt.variable, strings.TrimPrefix(got, "- "), want)
		}
	}
	// An integration that had not answered when the response went (a
	// timeout) ran until the response.
	r := restAccessRecord()
	r.IntegrationEnd = time.Time{}
	if got := renderAccess(t, event.REST, "$context.requestId $context.integrationLatency", r); got != r.RequestID+" 45" {
		t.Errorf("integrationLatency without an end = %q, want 45", got)
	}
}

// TestAccessLogReferences checks how references are found in text.
func TestAccessLogReferences(t *testing.T) {
	r := restAccessRecord()
	for _, tt := range []struct {
		format, want string
	}{
		{"$context.requestTimeEpoch", "1698414057744"},
		{"$context.requestTime", "27/Oct/2023:13:40:57 +0000"},
		{"$context.error.messageString", "-"},
		{"$context.requestId-x", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef-x"},
		{"$context.requestId.", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef."},
		{"$context.requestId.suffix", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef.suffix"},
		{"[$context.requestId]", "[c6af9ac6-7b61-11e6-9a41-93e8deadbeef]"},
		{"$context.requestId$context.status", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef201"},
		{"$context.requestId $5 $$ $contextual $Context.status", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef $5 $$ $contextual $Context.status"},
		{"$context.requestId\n", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef\n"},
		{"$context.requestId $context.authorizer.claims.cognito-groups.x", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef -"},
	} {
		// Every format needs a request id; the extended one leads here.
		format, want := "$context.extendedRequestId|"+tt.format, r.ExtendedRequestID+"|"+tt.want
		if got := renderAccess(t, event.REST, format, r); got != want {
			t.Errorf("renderAccess(%q) = %q, want %q", format, got, want)
		}
	}
}

func TestAccessLogFormatErrors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		kind   event.Source
		format string
		want   []string // each must appear in the error
		count  int      // the number of problems reported
	}{
		{"unknown variables, all with offsets", event.REST, "$context.requestId $context.foo x $context.requestTimex $context.identity.nobody",
			[]string{`at offset 19: unknown variable "$context.foo"`, `at offset 34: unknown variable "$context.requestTimex"`, `at offset 56: unknown variable "$context.identity.nobody"`}, 3},
		{"HTTP API: a header is not a variable (third-party report)", event.HTTPAPI, "$context.requestId $context.request.header.mcp-method",
			[]string{`unknown variable "$context.request.header.mcp-method"`}, 1},
		{"HTTP API: REST variables refused", event.HTTPAPI, "$context.requestId $context.resourcePath $context.xrayTraceId",
			[]string{`at offset 19: variable "$context.resourcePath" is a REST API variable`, `at offset 41: variable "$context.xrayTraceId"`}, 2},
		{"HTTP API refuses the REST presets", event.HTTPAPI, RESTAccessLogCLF,
			[]string{`"$context.resourcePath" is a REST API variable`}, 1},
		{"names are case-sensitive", event.REST, "$context.requestId $context.Status",
			[]string{`unknown variable "$context.Status"`}, 1},
		{"$context alone", event.REST, "$context.requestId $context",
			[]string{`at offset 19: "$context" without a variable name`}, 1},
		{"$context. alone", event.REST, "$context.requestId $context. x",
			[]string{`"$context" without a variable name`}, 1},
		{"family without a name", event.REST, "$context.requestId $context.authorizer",
			[]string{`unknown variable "$context.authorizer"`}, 1},
		{"other variables", event.REST, "$context.requestId $input.body $stageVariables.x $util.base64Encode",
			[]string{`at offset 19: $input: only $context variables`, `$stageVariables: only`, `$util: only`}, 3},
		{"line break", event.REST, "$context.requestId\n$context.status",
			[]string{"at offset 18: a line break"}, 1},
		{"carriage return at the end", event.HTTPAPI, "$context.requestId\r\n",
			[]string{"at offset 18: a line break"}, 1},
		{"no request id", event.HTTPAPI, "$context.status",
			[]string{"must include $context.requestId or $context.extendedRequestId"}, 1},
		{"everything at once", event.HTTPAPI, "$context.foo\n$context.resourcePath",
			[]string{"unknown variable", "line break", "REST API variable", "must include"}, 4},
		{"not an API Gateway API", event.ALB, RESTAccessLogCLF,
			[]string{"for REST and HTTP APIs, not alb"}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newAccessLogger(tt.kind, AccessLog{Format: tt.format, Writer: io.Discard}, nil)
			if err == nil {
				t.Fatalf("newAccessLogger(%v, %q) accepted the format", tt.kind, tt.format)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if n := strings.Count(err.Error(), "gateway: "); n != tt.count {
				t.Errorf("error reports %d problems, want %d:\n%v", n, tt.count, err)
			}
		})
	}
}

func TestAccessLogConfig(t *testing.T) {
	l, err := newAccessLogger(event.REST, AccessLog{}, nil)
	if l != nil || err != nil {
		t.Errorf("zero AccessLog: logger %v, error %v; want off", l, err)
	}
	if _, err := newAccessLogger(event.REST, AccessLog{Writer: io.Discard}, nil); err == nil || !strings.Contains(err.Error(), "no Format") {
		t.Errorf("AccessLog with a Writer only: error %v", err)
	}
	l, err = newAccessLogger(event.HTTPAPI, AccessLog{Format: HTTPAccessLogCLF}, nil)
	if err != nil || l.w == nil {
		t.Errorf("AccessLog without a Writer: %v, %v; want os.Stderr", l, err)
	}
	for _, p := range []struct {
		kind   event.Source
		format string
	}{
		{event.REST, RESTAccessLogCLF}, {event.REST, RESTAccessLogJSON}, {event.REST, RESTAccessLogXML}, {event.REST, RESTAccessLogCSV},
		{event.REST, HTTPAccessLogCLF}, {event.REST, HTTPAccessLogJSON}, {event.REST, HTTPAccessLogXML}, {event.REST, HTTPAccessLogCSV},
		{event.HTTPAPI, HTTPAccessLogCLF}, {event.HTTPAPI, HTTPAccessLogJSON}, {event.HTTPAPI, HTTPAccessLogXML}, {event.HTTPAPI, HTTPAccessLogCSV},
	} {
		if _, err := newAccessLogger(p.kind, AccessLog{Format: p.format, Writer: io.Discard}, nil); err != nil {
			t.Errorf("%v refuses preset %q: %v", p.kind, p.format, err)
		}
	}
}

func TestAccessLogEscaping(t *testing.T) {
	r := &accessRecord{RequestID: "id"}
	for _, c := range []struct{ in, want string }{
		{`plain`, `plain`},
		{`a"b`, `a\"b`},
		{`a\b`, `a\\b`},
		{"a\nb\rc\td", `a\nb\rc\td`},
		{"\x00\x01\x1f\x7f", `\u0000\u0001\u001f\u007f`},
		{"λ <&> ,", "λ <&> ,"},
		{"\xff\xfe", "\xff\xfe"},
	} {
		r.UserAgent = c.in
		if got := renderAccess(t, event.REST, "$context.requestId $context.identity.userAgent", r); got != "id "+c.want {
			t.Errorf("user agent %q renders %q, want %q", c.in, strings.TrimPrefix(got, "id "), c.want)
		}
		// A value that is valid UTF-8 comes back whole from a JSON line.
		line := renderAccess(t, event.REST, `{"ua":"$context.identity.userAgent","id":"$context.requestId"}`, r)
		var got map[string]string
		if err := json.Unmarshal([]byte(line), &got); c.in != "\xff\xfe" && (err != nil || got["ua"] != c.in) {
			t.Errorf("JSON line %s decodes to %q (%v), want %q", line, got["ua"], err, c.in)
		}
	}
}

// TestAccessLoggerConcurrent writes lines from many goroutines through
// two stages' loggers that share a writer and a mutex: each line arrives
// whole, once, and the race detector sees no concurrent write.
func TestAccessLoggerConcurrent(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	rest, err := newAccessLogger(event.REST, AccessLog{Format: RESTAccessLogJSON, Writer: &buf}, &mu)
	if err != nil {
		t.Fatal(err)
	}
	http, err := newAccessLogger(event.HTTPAPI, AccessLog{Format: HTTPAccessLogJSON, Writer: &buf}, &mu)
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				r := restAccessRecord()
				r.UserAgent = strings.Repeat("x", i)
				rest.log(r)
			} else {
				http.log(httpAccessRecord())
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("%d lines, want %d", len(lines), n)
	}
	for _, line := range lines {
		var m map[string]string
		if err := json.Unmarshal([]byte(line), &m); err != nil || m["requestId"] == "" {
			t.Fatalf("line %q: %v", line, err)
		}
	}
	// A format that ends in a newline gets no second one.
	buf.Reset()
	l, _ := newAccessLogger(event.REST, AccessLog{Format: "$context.requestId\n", Writer: &buf}, nil)
	l.log(restAccessRecord())
	if got := buf.String(); got != "c6af9ac6-7b61-11e6-9a41-93e8deadbeef\n" {
		t.Errorf("line = %q", got)
	}
}

// TestAccessLogAllocs checks that rendering allocates nothing: into a
// reused buffer, and through the logger's pooled buffers.
func TestAccessLogAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	everything := "$context.requestId " + strings.Join([]string{
		RESTAccessLogCLF, RESTAccessLogJSON,
		"$context.error.messageString $context.integrationLatency $context.responseLatency $context.requestTimeEpoch $context.domainPrefix $context.authorizer.x",
	}, " ")
	f, err := parseAccessFormat(event.REST, everything)
	if err != nil {
		t.Fatal(err)
	}
	r := restAccessRecord()
	r.UserAgent = `quoted "agent" \ `
	r.ErrorMessage = `a "message"`
	buf := make([]byte, 0, 4096)
	if a := testing.AllocsPerRun(100, func() { buf = f.appendLine(buf[:0], r) }); a != 0 {
		t.Errorf("appendLine: %v allocations, want 0", a)
	}
	l := &accessLogger{format: f, mu: new(sync.Mutex), w: io.Discard}
	if a := testing.AllocsPerRun(100, func() { l.log(r) }); a != 0 {
		t.Errorf("log: %v allocations, want 0", a)
	}
}

// TestAccessLogCost checks that checking a format costs linear work: the
// lookups of a name are bounded whatever its length, so a hostile run of
// parts that are not variables costs no more per byte when it is twice
// as long.
func TestAccessLogCost(t *testing.T) {
	lookups := func(n int) int {
		name := "requestId-" + strings.Repeat("a-", n) + "b"
		_, _, k := longestAccessVarPrefix(name)
		return k
	}
	small, large := lookups(1000), lookups(2000)
	if small != large || small > maxAccessVarLen() {
		t.Errorf("name lookups: %d for 1000 parts, %d for 2000; want equal and at most %d", small, large, maxAccessVarLen())
	}
	// A run that starts with a variable name is that name, found within
	// the bound.
	if name, _, k := longestAccessVarPrefix("requestId-" + strings.Repeat("x-", 10)); name != "requestId" || k == 0 || k > maxAccessVarLen() {
		t.Errorf(`longestAccessVarPrefix("requestId-x-...") = %q after %d lookups`, name, k)
	}
	for _, n := range []int{1000, 2000} {
		format := "$context.requestId $context." + strings.Repeat("a-", n) + "b"
		if _, err := parseAccessFormat(event.REST, format); err == nil || !strings.Contains(err.Error(), "unknown variable") {
			t.Fatalf("run of %d parts: %v", n, err)
		}
	}
}

func FuzzAccessLogFormat(f *testing.F) {
	for _, s := range []string{RESTAccessLogCLF, RESTAccessLogJSON, RESTAccessLogXML, RESTAccessLogCSV,
		HTTPAccessLogCLF, HTTPAccessLogJSON, HTTPAccessLogXML, HTTPAccessLogCSV,
		"$context.requestId-x", "$context.requestId $context", "$context.authorizer.claims.a-b.c", "$input.body", "$$context.requestId"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, format string) {
		for _, kind := range []event.Source{event.REST, event.HTTPAPI} {
			af, err := parseAccessFormat(kind, format)
			if err != nil {
				continue
			}
			// The literal text of the segments is the format without its
			// references, in order.
			var text strings.Builder
			for _, s := range af.segments {
				text.WriteString(s.text)
			}
			if text.Len() > len(format) {
				t.Fatalf("segments hold %d bytes of text, more than the format's %d", text.Len(), len(format))
			}
			line := af.appendLine(nil, restAccessRecord())
			if bytes.IndexByte(bytes.TrimSuffix(line, []byte("\n")), '\n') >= 0 {
				t.Fatalf("format %q renders a line break inside the line: %q", format, line)
			}
			_ = af.appendLine(nil, &accessRecord{})
		}
	})
}
