// Command ember trains and evaluates neural networks from the command line.
//
//	go run ./cmd/ember train          # the course's make_circles example
//	go run ./cmd/ember train --help   # every flag with its default
//	go run ./cmd/ember bench all      # the reference workloads, comparable with PyTorch
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/ember-ml/ember/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
