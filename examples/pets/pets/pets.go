package pets

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
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
	r := route.New(route.Config{Source: event.HTTPAPI})
	r.Handle("GET /pets", lambdagate.HandlerFunc(s.list))
	r.Handle("GET /pets/{id}", lambdagate.HandlerFunc(s.get))
	r.Handle("POST /pets", lambdagate.HandlerFunc(s.add))
	r.Handle("ANY /pets/{proxy+}", lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.JSON(http.StatusOK, map[string]string{
			"route": req.RouteKey, "method": req.Method, "rest": req.PathParameters.Get("proxy"), "stage": req.Stage,
		})
	}))
	r.Handle("$default", lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		// An HTTP API sends $default every request no other route takes,
		// CORS preflights included: answer them with a 2xx and let the
		// gateway add the CORS headers, or browsers fail the preflight.
		if req.Method == http.MethodOptions {
			return response.NoContent(), nil
		}
		return response.Error(http.StatusNotFound, "no pets at "+req.Path), nil
	}))
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

// API is the HTTP API template.yaml deploys: each route of the function's
// router a Lambda proxy integration (payload 2.0) to the function, two
// stages, and CORS.
func API(fn *route.Router) gateway.API {
	proxy := gateway.Proxy{Function: lambdagate.NewAdapter(fn)}
	var routes []gateway.Route
	for _, rt := range fn.Routes() {
		routes = append(routes, gateway.Route{Key: rt.Key, Integration: proxy})
	}
	return gateway.API{
		Kind:   event.HTTPAPI,
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

// New returns the function with the example's three pets.
func New() *route.Router { return Handler(newStore()) }
