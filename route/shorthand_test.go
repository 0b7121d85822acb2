package route

import "github.com/lambdagate/lambdagate/event"

// Shorthands for the two rule sets a Router follows, in the tests.
type API = event.Source

const (
	HTTP = event.HTTPAPI
	REST = event.REST
)
