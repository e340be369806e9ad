package main

import "testing"

// TestCirclesReachesClaimedAccuracy runs the example as documented (seed 42, 100 epochs).
func TestCirclesReachesClaimedAccuracy(t *testing.T) {
	res, err := Run(42, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.TestAccuracy < 0.99 {
		t.Fatalf("test accuracy %.4f, the example claims at least 0.99", res.TestAccuracy)
	}
}
