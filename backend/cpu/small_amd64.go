//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

//go:noescape
func smallKernelAVX512(m, n, k int, a *float32, ars, acs int, b, c *float32)

func init() {
	if cpu.X86.HasAVX512F && !forceAVX2 {
		smallKernel = func(m, n, k int, a []float32, aoff, ars, acs int, b, c []float32) {
			smallKernelAVX512(m, n, k, &a[aoff], ars, acs, &b[0], &c[0])
		}
	}
}
