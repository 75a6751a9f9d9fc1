module github.com/go-mcpauth/mcpauth/adapters/echov5

go 1.25.0

require (
	github.com/go-mcpauth/mcpauth/core v0.0.0
	github.com/labstack/echo/v5 v5.4.4
)

require (
	github.com/MicahParks/jwkset v0.11.4 // indirect
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/time v0.15.0 // indirect
)

replace github.com/go-mcpauth/mcpauth/core => ../../core
