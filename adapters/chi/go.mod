module github.com/go-mcpauth/mcpauth/adapters/chi

go 1.25.0

require github.com/go-mcpauth/mcpauth/core v0.0.0

require github.com/go-chi/chi/v5 v5.5.0 // indirect

replace github.com/go-mcpauth/mcpauth/core => ../../core
