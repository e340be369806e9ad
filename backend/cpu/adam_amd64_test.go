//go:build amd64 && !noasm

package cpu

import (
	"testing"

	"golang.org/x/sys/cpu"
)

// TestAdamKernelChecks calls the AVX-512 Adam wrapper with each of g, m and v one element
// shorter than the multiple of 16 it updates: it must panic before the kernel runs (so this
// runs on any CPU). With AVX-512 it also runs the kernel on exactly long enough slices.
func TestAdamKernelChecks(t *testing.T) {
	mk := func(n int) []float32 { return make([]float32, n) }
	for _, c := range []struct {
		g, m, v int
		want    string
	}{
		{31, 32, 32, "cpu: adam avx512 kernel: g has 31 elements, needs 32"},
		{32, 31, 32, "cpu: adam avx512 kernel: m has 31 elements, needs 32"},
		{32, 32, 31, "cpu: adam avx512 kernel: v has 31 elements, needs 32"},
	} {
		func() {
			defer func() {
				if r := recover(); r != c.want {
					t.Errorf("panic %v, want %q", r, c.want)
				}
			}()
			adamAVX512(mk(40), mk(c.g), mk(c.m), mk(c.v), 0.9, 0.1, 0.999, 0.001, 0.01, 1, 1e-8)
		}()
	}
	if n := adamAVX512(mk(15), nil, nil, nil, 0.9, 0.1, 0.999, 0.001, 0.01, 1, 1e-8); n != 0 {
		t.Fatalf("15 elements: the kernel did %d", n)
	}
	if cpu.X86.HasAVX512F {
		w := mk(40)
		for i := range w {
			w[i] = 1
		}
		g := mk(32)
		for i := range g {
			g[i] = 1
		}
		if n := adamAVX512(w, g, mk(32), mk(32), 0.9, 0.1, 0.999, 0.001, 0.01, 1, 1e-8); n != 32 || w[0] >= 1 || w[32] != 1 {
			t.Fatalf("did %d, w[0] = %v, w[32] = %v", n, w[0], w[32])
		}
	}
}
