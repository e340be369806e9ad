//go:build long

package main

import "testing"

// TestFullRunReachesClaim runs main's configuration (3,000 steps, seed 1) and checks the
// package comment's claim of at least 99% token accuracy. go test -tags long ./examples/transformer
func TestFullRunReachesClaim(t *testing.T) {
	acc := Run(3000, 1, false)
	t.Logf("token accuracy %.4f", acc)
	if acc < 0.99 {
		t.Fatalf("token accuracy %.4f, the example claims at least 0.99", acc)
	}
}
