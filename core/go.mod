module github.com/go-mcpauth/mcpauth/core

go 1.25.0

require (
	github.com/MicahParks/jwkset v0.11.4
	github.com/golang-jwt/jwt/v5 v5.3.1
	golang.org/x/sync v0.22.0
	golang.org/x/time v0.15.0
)
