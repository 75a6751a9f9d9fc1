package bench

import (
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	"github.com/gofiber/fiber/v2"
	fiberv3 "github.com/gofiber/fiber/v3"
	"github.com/labstack/echo/v4"
	echov5 "github.com/labstack/echo/v5"
	"github.com/valyala/fasthttp"

	mcpchi "github.com/go-mcpauth/mcpauth/adapters/chi"
	mcpecho "github.com/go-mcpauth/mcpauth/adapters/echo"
	mcpechov5 "github.com/go-mcpauth/mcpauth/adapters/echov5"
	mcpfiber "github.com/go-mcpauth/mcpauth/adapters/fiber"
	mcpfiberv3 "github.com/go-mcpauth/mcpauth/adapters/fiberv3"
	mcpgin "github.com/go-mcpauth/mcpauth/adapters/gin"
	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// requestAlg is the algorithm of the token of the whole-request benchmarks.
const requestAlg = mcpauthtest.RS256

// frameworks build, for each framework, the same GET /mcp route and no-op
// handler answering 200, without auth (bearer nil) or behind the framework's
// adapter BearerAuth.
var frameworks = []struct {
	name  string
	serve func(b *testing.B, bearer *mcpauth.Bearer, values [][]string)
}{
	{"gin", benchGin},
	{"echo", benchEcho},
	{"echov5", benchEchoV5},
	{"fiber", benchFiber},
	{"fiberv3", benchFiberV3},
	{"chi", benchChi},
}

// BenchmarkRequest measures one whole in-process request through each
// framework (a reused request, no network): noauth is the framework alone;
// auth adds our adapter's BearerAuth with a valid RS256 token, the same every
// iteration (core's verified-token cache on, as by default). auth - noauth is
// the cost of core's hot path plus the adapter.
func BenchmarkRequest(b *testing.B) {
	for _, fw := range frameworks {
		for _, mode := range []string{"noauth", "auth"} {
			b.Run(fw.name+"/"+mode, func(b *testing.B) {
				f := getFixture(b, requestAlg)
				var bearer *mcpauth.Bearer
				if mode == "auth" {
					bearer = newBearer(b, f, 0)
				}
				fw.serve(b, bearer, f.values[:1])
			})
		}
	}
}

func benchGin(b *testing.B, bearer *mcpauth.Bearer, values [][]string) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	handlers := []gin.HandlerFunc{func(c *gin.Context) { c.Status(http.StatusOK) }}
	if bearer != nil {
		handlers = append([]gin.HandlerFunc{mcpgin.BearerAuth(bearer)}, handlers...)
	}
	r.GET("/mcp", handlers...)
	serveLoop(b, r, newRequest(b, "/mcp"), values)
}

func benchEcho(b *testing.B, bearer *mcpauth.Bearer, values [][]string) {
	e := echo.New()
	var mw []echo.MiddlewareFunc
	if bearer != nil {
		mw = append(mw, mcpecho.BearerAuth(bearer))
	}
	e.GET("/mcp", func(c echo.Context) error { return c.NoContent(http.StatusOK) }, mw...)
	serveLoop(b, e, newRequest(b, "/mcp"), values)
}

func benchEchoV5(b *testing.B, bearer *mcpauth.Bearer, values [][]string) {
	e := echov5.New()
	var mw []echov5.MiddlewareFunc
	if bearer != nil {
		mw = append(mw, mcpechov5.BearerAuth(bearer))
	}
	e.GET("/mcp", func(c *echov5.Context) error { return c.NoContent(http.StatusOK) }, mw...)
	serveLoop(b, e, newRequest(b, "/mcp"), values)
}

func benchChi(b *testing.B, bearer *mcpauth.Bearer, values [][]string) {
	r := chi.NewRouter()
	if bearer != nil {
		r.With(mcpchi.BearerAuth(bearer)).Get("/mcp", okHandler)
	} else {
		r.Get("/mcp", okHandler)
	}
	serveLoop(b, r, newRequest(b, "/mcp"), values)
}

func benchFiber(b *testing.B, bearer *mcpauth.Bearer, values [][]string) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	handlers := []fiber.Handler{func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusOK) }}
	if bearer != nil {
		handlers = append([]fiber.Handler{mcpfiber.BearerAuth(bearer)}, handlers...)
	}
	app.Get("/mcp", handlers...)
	serveFasthttp(b, app.Handler(), "/mcp", values)
}

func benchFiberV3(b *testing.B, bearer *mcpauth.Bearer, values [][]string) {
	app := fiberv3.New()
	handlers := []any{func(c fiberv3.Ctx) error { return c.SendStatus(fiberv3.StatusOK) }}
	if bearer != nil {
		handlers = append([]any{mcpfiberv3.BearerAuth(bearer)}, handlers...)
	}
	app.Get("/mcp", handlers[0], handlers[1:]...)
	serveFasthttp(b, app.Handler(), "/mcp", values)
}

// serveFasthttp drives a fasthttp handler with a reused RequestCtx, the
// Authorization header taken in turn from values, and fails the benchmark on
// any status but 200.
func serveFasthttp(b *testing.B, handler fasthttp.RequestHandler, path string, values [][]string) {
	b.Helper()
	var req fasthttp.Request
	req.Header.SetMethod(fasthttp.MethodGet)
	req.SetRequestURI(path)
	var ctx fasthttp.RequestCtx
	ctx.Init(&req, nil, nil)
	serve := func(v string) {
		ctx.Response.Reset()
		ctx.Request.Header.Set(fasthttp.HeaderAuthorization, v)
		handler(&ctx)
		ctx.ResetUserValues() // as fasthttp's server does after each request
		if status := ctx.Response.StatusCode(); status != fasthttp.StatusOK {
			b.Fatalf("status %d, body %s", status, ctx.Response.Body())
		}
	}
	serve(values[0][0]) // warm up: discovery and key set fetched outside the timer
	b.ReportAllocs()
	cpu := startCPU()
	for i := 0; b.Loop(); i++ {
		serve(values[i%len(values)][0])
	}
	cpu.report(b)
}
