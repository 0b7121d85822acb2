package smartpath

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"golang.org/x/text/encoding/charmap"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/cors"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/mapping"
	"github.com/lambdagate/lambdagate/response"
)

// Order is the XML the API accepts.
type Order struct {
	XMLName  xml.Name `xml:"order" json:"-"`
	Customer string   `xml:"customer" json:"customer"`
	Items    []Item   `xml:"item" json:"items"`
}

// Item is one line of an order.
type Item struct {
	Name     string `xml:"name,attr" json:"name"`
	Quantity int    `xml:"qty,attr" json:"qty"`
}

// corsHeaders are what the REST API's proxy function must send itself.
var corsHeaders = event.Header{
	{Name: "Access-Control-Allow-Origin", Value: "*"},
	{Name: "Access-Control-Allow-Headers", Value: cors.ConsoleAllowHeaders},
}

// handle parses the order and answers it as JSON.
func handle(ctx context.Context, req *event.Request) (*response.Response, error) {
	resp := func(r *response.Response, err error) (*response.Response, error) {
		if r != nil {
			r.Header = append(r.Header, corsHeaders...)
		}
		return r, err
	}
	if mt := req.ContentType(); mt != "text/xml" && mt != "application/xml" {
		return resp(response.Error(http.StatusUnsupportedMediaType, "send text/xml"), nil)
	}
	var o Order
	if err := decodeOrder(req, &o); err != nil {
		return resp(response.Error(http.StatusBadRequest, "invalid XML: "+err.Error()), nil)
	}
	return resp(response.JSON(http.StatusOK, map[string]any{"received": o, "lines": len(o.Items)}))
}

// decodeOrder reads the XML order in req's body. The charset parameter of
// the Content-Type says how the body is encoded; for XML sent as text/xml
// it takes precedence over the XML declaration's encoding (RFC 7303,
// section 8.1), and without either the body is UTF-8.
func decodeOrder(req *event.Request, o *Order) error {
	var body io.Reader = bytes.NewReader(req.Body)
	d := xml.NewDecoder(body)
	d.CharsetReader = charsetReader
	_, params, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if cs := params["charset"]; cs != "" {
		r, err := charsetReader(cs, body)
		if err != nil {
			return err
		}
		d = xml.NewDecoder(r)
		// The body is UTF-8 now, whatever its declaration says.
		d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	}
	return d.Decode(o)
}

// charsetReader decodes the charsets the API accepts.
func charsetReader(charset string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(in), nil
	case "iso-8859-1", "latin1":
		return charmap.ISO8859_1.NewDecoder().Reader(in), nil
	case "utf-8", "":
		return in, nil
	}
	return nil, fmt.Errorf("unsupported charset %q", charset)
}

// Function is the deployed function at the bytes level: the lambdagate
// handler, except that ?mistake=object-body returns the malformed output
// a common bug produces.
type Function struct{ adapter *lambdagate.Adapter }

// NewFunction returns the function.
func NewFunction() *Function {
	return &Function{adapter: lambdagate.NewAdapter(lambdagate.HandlerFunc(handle))}
}

// Invoke serves one event.
func (f *Function) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	if req, err := event.Decode(payload); err == nil && req.Query.Get("mistake") == "object-body" {
		return []byte(`{"statusCode":200,"headers":{"Content-Type":"application/json"},"body":{"lines":1}}`), nil
	}
	return f.adapter.Invoke(ctx, payload)
}

// API is the REST API template.yaml deploys: POST /smartpath as a Lambda
// proxy integration, and the OPTIONS method "Enable CORS" creates: a MOCK
// integration whose integration response sets the CORS headers from
// literals, as a mapping pipeline.
func API(fn lambdagate.Invoker) gateway.API {
	mock, err := cors.NewREST(cors.RESTConfig{Methods: []string{"POST"}})
	if err != nil {
		panic(err) // the configuration above is fixed and valid
	}
	headers := map[string]string{}
	for _, f := range mock.Header() {
		if f.Name != "Content-Type" {
			headers["method.response.header."+f.Name] = "'" + f.Value + "'"
		}
	}
	preflight := mapping.MustPipeline(mapping.Method{
		Name: "OPTIONS /smartpath",
		Integration: mapping.Integration{
			Type:             mapping.TypeMock,
			RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
			Responses: []mapping.IntegrationResponse{{
				StatusCode:         200,
				ResponseParameters: headers,
				ResponseTemplates:  map[string]string{"application/json": ""},
			}},
		},
	})
	return gateway.API{
		Kind:   event.REST,
		Stages: []gateway.Stage{{Name: "prod"}},
		// XML in windows-1252 is not UTF-8: as a binary media type it
		// reaches the function byte for byte (base64 in the event).
		BinaryMediaTypes: []string{"text/xml"},
		Routes: []gateway.Route{
			{Key: "POST /smartpath", Integration: gateway.Proxy{Function: fn}},
			{Key: "OPTIONS /smartpath", Integration: gateway.Direct{Handler: preflight}},
		},
	}
}
