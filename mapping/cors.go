package mapping

import (
	"maps"
	"net/http"
	"slices"

	"github.com/lambdagate/lambdagate/cors"
)

// allowOriginParameter is the method response parameter the console's
// "Enable CORS" adds.
const allowOriginParameter = "method.response.header.Access-Control-Allow-Origin"

// WithCORS returns m configured as the REST console's "Enable CORS" action
// configures a method it selected on a resource whose OPTIONS method is c:
// its 200 integration response maps Access-Control-Allow-Origin to c's
// origin, so that a browser can read the response (docs/evidence/mapping.md).
// As in the console, responses with other status codes are left alone
// (configure them by hand if browsers must read them), and so is an
// Access-Control-Allow-Origin mapping the 200 response already has. m
// itself is not changed: the returned method has its own copy of what
// differs.
func (m Method) WithCORS(c *cors.REST) Method {
	rs := slices.Clone(m.Integration.Responses)
	for i := range rs {
		if rs[i].StatusCode != http.StatusOK {
			continue
		}
		if _, ok := rs[i].ResponseParameters[allowOriginParameter]; ok {
			continue
		}
		params := make(map[string]string, len(rs[i].ResponseParameters)+1)
		maps.Copy(params, rs[i].ResponseParameters)
		params[allowOriginParameter] = "'" + c.AllowOrigin() + "'"
		rs[i].ResponseParameters = params
	}
	m.Integration.Responses = rs
	return m
}
