package main

import (
	"math"
	"testing"
)

// TestTableIsAsStated runs the example at full length and checks the table its package
// comment prints, to the four decimals shown.
func TestTableIsAsStated(t *testing.T) {
	want := [][]float64{
		{1.0000, 0.2521, -0.0016},
		{1.0000, 1.0000, 1.0000},
		{1.0000, 0.0000, 0.0000},
		{0.9874, 1.0000, 1.0000},
		{1.0000, 1.0000, 1.0000},
	}
	got, err := Table()
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		for j := range want[i] {
			if math.Abs(got[i][j]-want[i][j]) > 5e-5 {
				t.Errorf("%s on %s: adjusted Rand index %.4f, the example states %.4f", Algorithms[i].Name, Datasets[j], got[i][j], want[i][j])
			}
		}
	}
}
