// Package jwtauth is the JWT authorizer of HTTP APIs for the local
// gateway: a gateway.Authorizer that verifies a JSON Web Token as API
// Gateway does and passes its claims and scopes to the integration in
// requestContext.authorizer.jwt.
//
// It lives apart from package gateway so that only programs that
// configure a JWT authorizer link a JOSE library (go-jose). It writes no
// cryptography: parsing and signature verification are go-jose's.
//
// # Checks
//
// The token comes from the identity source (the Authorization header by
// default), with or without a "Bearer " prefix. It must be signed with
// RS256, RS384 or RS512 by a key of the issuer's key set named by its
// "kid"; "iss" must be the issuer; "aud", or "client_id" when there is no
// "aud", one of the audiences; "exp" in the future; "nbf" and "iat", when
// present, in the past, on the gateway's clock (gateway.API.Now). A route
// with authorization scopes needs one of them in "scope" or "scp".
//
// A failure is 401 {"message":"Unauthorized"} with a www-authenticate
// header naming the reason, as AWS sends it; missing scopes are 403
// {"message":"Forbidden"}. Hostile tokens (no algorithm, HMAC signed with
// the public key, unknown key ids, oversized or malformed ones) get 401,
// never a panic, at a cost bounded by the 8 KB token limit.
//
// # Keys
//
// The key set is given in process ([Config.KeySet]), as a file
// ([Config.JWKSFile]), or fetched from a URL ([Config.JWKSURL], or the
// issuer's OpenID discovery document) when first needed, kept for
// [Config.CacheTTL] and fetched again when a token names an unknown key,
// at most once per [Config.MinRefresh].
//
// The rules and their evidence are in the repository's
// docs/evidence/authorizers.md.
package jwtauth
