package cors

import (
	"errors"
	"strings"
	"testing"
)

func TestNewErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  Config
		want []string // each must appear in the error
	}{
		{"credentials with *", Config{AllowOrigins: []string{"*"}, AllowCredentials: true},
			[]string{"allow-credentials is not supported if 'allow-origin' is *"}},
		{"credentials with * among others", Config{AllowOrigins: []string{"https://a.com", "*"}, AllowCredentials: true},
			[]string{"allow-credentials is not supported"}},
		{"credentials with https://*", Config{AllowOrigins: []string{"https://*"}, AllowCredentials: true},
			[]string{`allow-credentials is not supported with origin "https://*"`}},
		{"credentials with http://* among others", Config{AllowOrigins: []string{"https://a.com", "http://*"}, AllowCredentials: true},
			[]string{`allow-credentials is not supported with origin "http://*"`}},
		{"method with a space", Config{AllowMethods: []string{"GET", "GET POST"}},
			[]string{`cors: AllowMethods: invalid method "GET POST"`}},
		{"empty method", Config{AllowMethods: []string{""}}, []string{`invalid method ""`}},
		{"method too long", Config{AllowMethods: []string{strings.Repeat("M", 65)}}, []string{"invalid method"}},
		{"header with a colon", Config{AllowHeaders: []string{"X-A:"}}, []string{`cors: AllowHeaders: invalid header name "X-A:"`}},
		{"header list in one entry", Config{AllowHeaders: []string{"a, b"}}, []string{`invalid header name "a, b"`}},
		{"expose header", Config{ExposeHeaders: []string{"x y"}}, []string{`cors: ExposeHeaders: invalid header name "x y"`}},
		{"max age too low", Config{MaxAge: -2}, []string{"cors: MaxAge -2 out of range [-1, 86400]"}},
		{"max age too high", Config{MaxAge: 86401}, []string{"MaxAge 86401 out of range"}},
		{"refused status", Config{DisallowedPreflightStatus: 99}, []string{"DisallowedPreflightStatus 99 out of range"}},
		{"every problem at once", Config{
			AllowOrigins:     []string{"*", "https://a.com/", "b.com"},
			AllowMethods:     []string{"G T"},
			AllowHeaders:     []string{"x:y"},
			ExposeHeaders:    []string{"é"},
			MaxAge:           90000,
			AllowCredentials: true,
		}, []string{`invalid origin "https://a.com/"`, `invalid origin "b.com"`, "allow-credentials",
			`invalid method "G T"`, `invalid header name "x:y"`, `invalid header name "é"`, "MaxAge 90000"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if err == nil {
				t.Fatalf("New(%+v) = %v, nil; want an error", tt.cfg, c)
			}
			if c != nil {
				t.Errorf("New(%+v) returned a CORS with its error", tt.cfg)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("New(%+v) error = %q; want it to contain %q", tt.cfg, err, w)
				}
			}
			if got := strings.Count(err.Error(), "\n") + 1; got != len(tt.want) {
				t.Errorf("New(%+v) reported %d problems; want %d:\n%v", tt.cfg, got, len(tt.want), err)
			}
			if strings.Contains(tt.want[0], "allow-credentials") && !errors.Is(err, ErrCredentialsWithAnyOrigin) {
				t.Errorf("errors.Is(%v, ErrCredentialsWithAnyOrigin) = false", err)
			}
		})
	}
}

func TestNewValid(t *testing.T) {
	for _, tt := range []struct {
		name                             string
		cfg                              Config
		methods, headers, expose, maxAge string
		refused                          int
	}{
		{name: "zero", refused: 204},
		{name: "lists in order, duplicates dropped",
			cfg:     Config{AllowMethods: []string{"PUT", "GET", "PUT"}, AllowHeaders: []string{"X-B", "authorization", "*"}, ExposeHeaders: []string{"Date", "x-api-id", "*"}},
			methods: "PUT,GET", headers: "X-B,authorization,*", expose: "Date,x-api-id,*", refused: 204},
		{name: "max age", cfg: Config{MaxAge: 300}, maxAge: "300", refused: 204},
		{name: "max age -1 disables caching", cfg: Config{MaxAge: -1}, maxAge: "0", refused: 204},
		{name: "max age limit", cfg: Config{MaxAge: 86400}, maxAge: "86400", refused: 204},
		{name: "refused status", cfg: Config{DisallowedPreflightStatus: 403}, refused: 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if err != nil {
				t.Fatalf("New(%+v): %v", tt.cfg, err)
			}
			if c.methods != tt.methods || c.headers != tt.headers || c.expose != tt.expose || c.maxAge != tt.maxAge || c.refused != tt.refused {
				t.Errorf("New(%+v) = methods %q headers %q expose %q maxAge %q refused %d; want %q %q %q %q %d",
					tt.cfg, c.methods, c.headers, c.expose, c.maxAge, c.refused,
					tt.methods, tt.headers, tt.expose, tt.maxAge, tt.refused)
			}
		})
	}
}

func TestMustNewPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), "allow-credentials") {
			t.Errorf("MustNew(credentials with *) recovered %v; want the credentials error", r)
		}
	}()
	MustNew(Config{AllowOrigins: []string{"*"}, AllowCredentials: true})
}
