// Command ember trains and evaluates neural networks from the command line.
//
//	go run ./cmd/ember train          # the course's make_circles example
//	go run ./cmd/ember train --help   # every flag with its default
//	go run ./cmd/ember bench all      # the reference workloads, comparable with PyTorch
//
// Training small models allocates many short-lived tensors, so unless the GOGC environment
// variable says otherwise the command lets the heap grow to 4× the live data between
// collections (GOGC=400) instead of Go's default 2×.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"

	"github.com/ember-ml/ember/internal/cli"
)

func main() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
