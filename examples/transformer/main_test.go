package main

import "testing"

// TestLearnsToSort is a smoke test: 400 steps must already beat the best position-only guess
// (about 0.4) by far; the full run's accuracy is stated in the package comment.
func TestLearnsToSort(t *testing.T) {
	if acc := Run(400, 1, false); acc < 0.8 {
		t.Fatalf("token accuracy %.4f after 400 steps", acc)
	}
}
