// Command pets is an HTTP API (payload 2.0) in front of one Lambda function
// that routes with API Gateway's own route keys:
//
//	GET /pets           list the pets (the 2.0 shorthand: a bare JSON value)
//	GET /pets/{id}      one pet, or 404
//	POST /pets          add a pet from a JSON body; sets a cookie
//	ANY /pets/{proxy+}  everything deeper under /pets (toys, photos, …)
//	$default            anything else
//
// The API has the $default stage at the root and a named stage, "v1",
// under /v1/, and built-in CORS for a browser app at http://localhost:3000.
//
// In Lambda it runs the function; anywhere else, go run ./examples/pets
// serves the whole API locally, as template.yaml deploys it.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/cors"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/response"
	"github.com/lambdagate/lambdagate/route"
)

// Pet is one pet.
type Pet struct {
	ID    int     `json:"id"`
	Name  string  `json:"name"`
	Type  string  `json:"type"`
	Price float64 `json:"price"`
}

// store holds the pets. A Lambda execution environment keeps it between
// invokes, and invokes may run concurrently.
type store struct {
	mu   sync.Mutex
	pets []Pet
}

func newStore() *store {
	return &store{pets: []Pet{{1, "Rex", "dog", 249.99}, {2, "Tom", "cat", 124.99}, {3, "Nemo", "fish", 0.99}}}
}

// Handler returns the function: a router with the API's route keys.
func Handler(s *store) *route.Router {
	r := route.New(route.Config{API: route.HTTP})
	r.HandleFunc("GET /pets", s.list)
	r.HandleFunc("GET /pets/{id}", s.get)
	r.HandleFunc("POST /pets", s.add)
	r.HandleFunc("ANY /pets/{proxy+}", func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.JSON(http.StatusOK, map[string]string{
			"route": req.RouteKey, "method": req.Method, "rest": req.PathParameters.Get("proxy"), "stage": req.Stage,
		})
	})
	r.HandleFunc("$default", func(ctx context.Context, req *event.Request) (*response.Response, error) {
		// An HTTP API sends $default every request no other route takes,
		// CORS preflights included: answer them with a 2xx and let the
		// gateway add the CORS headers, or browsers fail the preflight.
		if req.Method == http.MethodOptions {
			return response.NoContent(), nil
		}
		return response.Error(http.StatusNotFound, "no pets at "+req.Path), nil
	})
	return r
}

// list answers with the 2.0 shorthand: the function returns the value
// itself and the HTTP API answers 200 with it as JSON.
func (s *store) list(ctx context.Context, req *event.Request) (*response.Response, error) {
	s.mu.Lock()
	pets := slices.Clone(s.pets)
	s.mu.Unlock()
	if t := req.Query.Get("type"); t != "" {
		pets = slices.DeleteFunc(pets, func(p Pet) bool { return p.Type != t })
	}
	return response.Value(pets)
}

func (s *store) get(ctx context.Context, req *event.Request) (*response.Response, error) {
	id, err := strconv.Atoi(req.PathParameters.Get("id"))
	if err != nil {
		return response.Error(http.StatusBadRequest, "id must be a number"), nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.pets {
		if p.ID == id {
			return response.JSON(http.StatusOK, p)
		}
	}
	return response.Error(http.StatusNotFound, fmt.Sprintf("pet %d not found", id)), nil
}

func (s *store) add(ctx context.Context, req *event.Request) (*response.Response, error) {
	var p Pet
	if err := json.Unmarshal(req.Body, &p); err != nil || strings.TrimSpace(p.Name) == "" {
		return response.Error(http.StatusBadRequest, "want a JSON pet with a name"), nil
	}
	s.mu.Lock()
	p.ID = len(s.pets) + 1
	s.pets = append(s.pets, p)
	s.mu.Unlock()
	resp, err := response.JSON(http.StatusCreated, p)
	if err != nil {
		return nil, err
	}
	resp.Header.Add("Location", "/pets/"+strconv.Itoa(p.ID))
	resp.SetCookie(&http.Cookie{Name: "last_pet", Value: strconv.Itoa(p.ID), Path: "/", HttpOnly: true})
	resp.SetCookie(&http.Cookie{Name: "visited", Value: "1", Path: "/"})
	return resp, nil
}

// API is the HTTP API template.yaml deploys: every route a Lambda proxy
// integration (payload 2.0) to the one function, two stages, and CORS.
func API(fn lambdagate.Handler) gateway.API {
	proxy := gateway.Proxy{Function: gateway.Handler(fn)}
	var routes []gateway.Route
	for _, k := range []string{"GET /pets", "GET /pets/{id}", "POST /pets", "ANY /pets/{proxy+}", "$default"} {
		routes = append(routes, gateway.Route{Key: k, Integration: proxy})
	}
	return gateway.API{
		Kind:   gateway.HTTPAPI,
		Stages: []gateway.Stage{{Name: "$default"}, {Name: "v1"}},
		Routes: routes,
		CORS: &cors.Config{
			AllowOrigins:     []string{"http://localhost:3000"},
			AllowMethods:     []string{"GET", "POST"},
			AllowHeaders:     []string{"content-type"},
			ExposeHeaders:    []string{"location"},
			AllowCredentials: true,
			MaxAge:           300,
		},
	}
}

func main() {
	fn := Handler(newStore())
	gw := gateway.MustNew(API(fn))
	lambdagate.Start(fn, lambdagate.WithLocal(gw), lambdagate.WithReady(func(base string) {
		fmt.Fprintf(os.Stderr, "try:\n  curl %s/pets\n  curl %s/v1/pets/1\n  curl -X POST -H 'Content-Type: application/json' -d '{\"name\":\"Kit\",\"type\":\"cat\"}' %s/pets\n", base, base, base)
	}))
}
