module github.com/acme/inventory-api

go 1.21

require (
	github.com/gin-gonic/gin v1.9.1
	github.com/jackc/pgx/v5 v5.4.3
	golang.org/x/crypto v0.14.0
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/bytedance/sonic v1.9.1 // indirect
	github.com/gin-contrib/sse v0.1.0 // indirect
	github.com/go-playground/validator/v10 v10.14.0 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	golang.org/x/net v0.17.0 // indirect
	golang.org/x/sys v0.13.0 // indirect
	golang.org/x/text v0.13.0 // indirect
	github.com/golang/protobuf v1.5.4-0.20230908153543-3d4d0b2c8a10 // indirect
	github.com/docker/docker v24.0.7+incompatible // indirect
)

replace gopkg.in/yaml.v3 => github.com/acme/yaml v3.0.2

replace github.com/acme/internal => ./internal
