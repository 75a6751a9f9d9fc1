module github.com/go-mcpauth/mcpauth/adapters/gosdk

go 1.25.0

require github.com/go-mcpauth/mcpauth/core v0.0.0

require github.com/modelcontextprotocol/go-sdk v1.8.0 // indirect

replace github.com/go-mcpauth/mcpauth/core => ../../core
