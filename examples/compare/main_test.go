package main

import (
	"math"
	"testing"
)

// TestTableIsAsStated runs the example at full length (about 10 s) and checks the table its
// package comment prints, to the four decimals shown.
func TestTableIsAsStated(t *testing.T) {
	want := [][]float64{
		{0.9950, 0.9500, 0.9737},
		{1.0000, 0.9400, 0.9912},
		{0.9850, 0.9550, 0.9211},
		{0.9850, 0.9500, 0.8772},
		{0.3900, 0.8800, 0.8684},
		{0.9950, 0.9450, 0.9912},
	}
	got, err := Table(0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		for j := range want[i] {
			if math.Abs(got[i][j]-want[i][j]) > 5e-5 {
				t.Errorf("%s on %s: test accuracy %.4f, the example states %.4f", Models[i].Name, Datasets[j], got[i][j], want[i][j])
			}
		}
	}
}
