//go:build long

package main

import "testing"

// TestFullRunReachesClaim runs the example exactly as main does (seed 1, 10 epochs, all
// 60,000 images) and checks the accuracy its package comment claims. It needs Debian's
// dataset-fashion-mnist and fails without it: go test -tags long ./examples/fashion-cnn
func TestFullRunReachesClaim(t *testing.T) {
	acc, err := Run("", 10, 0, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("test accuracy %.4f", acc)
	if acc < 0.90 {
		t.Fatalf("test accuracy %.4f, the example claims at least 0.90", acc)
	}
}
