//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

//go:noescape
func sgemmKernelAVX2(kc int, a, b, c *float32, ldc int)

//go:noescape
func sgemmKernelAVX512(kc int, a, b, c *float32, ldc int)

func init() {
	switch {
	case cpu.X86.HasAVX512F && !forceAVX2:
		sgemmArch = kernelArch{name: "avx512", mr: 12, nr: 32, kernel: func(kc int, a, b, c []float32, ldc int) {
			sgemmKernelAVX512(kc, &a[0], &b[0], &c[0], ldc)
		}}
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		sgemmArch = kernelArch{name: "avx2", mr: 6, nr: 16, kernel: func(kc int, a, b, c []float32, ldc int) {
			sgemmKernelAVX2(kc, &a[0], &b[0], &c[0], ldc)
		}}
	}
}
