module github.com/acme/features/tools/legacy

go 1.16

require github.com/spf13/cobra v1.1.3
