//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

//go:noescape
func smallKernelAVX512(m, n, k int, a *float32, ars, acs int, b, c, bias *float32, relu int)

func init() {
	if cpu.X86.HasAVX512F && !forceAVX2 {
		smallKernel = func(m, n, k int, a []float32, aoff, ars, acs int, b, c, bias []float32, relu bool) {
			var bp *float32
			if bias != nil {
				bp = &bias[0]
			}
			r := 0
			if relu {
				r = 1
			}
			smallKernelAVX512(m, n, k, &a[aoff], ars, acs, &b[0], &c[0], bp, r)
		}
	}
}
