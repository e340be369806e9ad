//go:build amd64 && !noasm

package optim

import "golang.org/x/sys/cpu"

//go:noescape
func adamKernelAVX512(n int, wp, gp, mp, vp *float32, b1, omb1, b2, omb2, step, bc2sqrt, eps float32)

func init() {
	if cpu.X86.HasAVX512F {
		adamVector = func(w, g, m, v []float32, b1, omb1, b2, omb2, step, bc2sqrt, eps float32) int {
			n := len(w) &^ 15
			if n > 0 {
				adamKernelAVX512(n, &w[0], &g[0], &m[0], &v[0], b1, omb1, b2, omb2, step, bc2sqrt, eps)
			}
			return n
		}
	}
}
