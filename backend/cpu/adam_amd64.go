//go:build amd64 && !noasm

package cpu

import (
	"fmt"

	"golang.org/x/sys/cpu"
)

//go:noescape
func adamKernelAVX512(n int, wp, gp, mp, vp *float32, b1, omb1, b2, omb2, step, bc2sqrt, eps float32)

func init() {
	if cpu.X86.HasAVX512F {
		adamVector = adamAVX512
	}
}

// adamAVX512 is adamVector in AVX-512: it updates the largest multiple of 16 elements of w
// and reads and writes as many of g, m and v, which must be at least that long.
func adamAVX512(w, g, m, v []float32, b1, omb1, b2, omb2, step, bc2sqrt, eps float32) int {
	n := len(w) &^ 15
	if n == 0 {
		return 0
	}
	checkAdamLen("g", len(g), n)
	checkAdamLen("m", len(m), n)
	checkAdamLen("v", len(v), n)
	adamKernelAVX512(n, &w[0], &g[0], &m[0], &v[0], b1, omb1, b2, omb2, step, bc2sqrt, eps)
	return n
}

// checkAdamLen panics unless a slice of have elements holds the need elements the kernel touches.
func checkAdamLen(name string, have, need int) {
	if have < need {
		panic(fmt.Sprintf("cpu: adam avx512 kernel: %s has %d elements, needs %d", name, have, need))
	}
}
