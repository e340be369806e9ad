//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

//go:noescape
func sgemmKernelAVX2(kc int, a, b, c *float32, ldc, overwrite int)

//go:noescape
func sgemmKernelAVX512(kc int, a, b, c *float32, ldc, overwrite int)

//go:noescape
func dgemmKernelAVX2(kc int, a, b, c *float64, ldc, overwrite int)

//go:noescape
func dgemmKernelAVX512(kc int, a, b, c *float64, ldc, overwrite int)

//go:noescape
func copy2D(dst, src *float32, rows, cols, srs, scs, drs, dcs int)

func init() {
	strided2D = func(dst []float32, doff int, src []float32, soff, rows, cols, srs, scs, drs, dcs int) {
		if rows == 0 || cols == 0 {
			return
		}
		// Bounds: the last element each side touches must exist.
		_ = dst[doff+(rows-1)*drs+(cols-1)*dcs]
		_ = src[soff+(rows-1)*srs+(cols-1)*scs]
		copy2D(&dst[doff], &src[soff], rows, cols, srs, scs, drs, dcs)
	}
}

func init() {
	switch {
	case cpu.X86.HasAVX512F && !forceAVX2:
		dgemmArch = gemmArch[float64]{name: "avx512", mr: 12, nr: 16, kernel: func(kc int, a, b, c []float64, ldc int, overwrite bool) {
			dgemmKernelAVX512(kc, &a[0], &b[0], &c[0], ldc, b2i(overwrite))
		}}
		sgemmArch = kernelArch{name: "avx512", mr: 12, nr: 32, kernel: func(kc int, a, b, c []float32, ldc int, overwrite bool) {
			sgemmKernelAVX512(kc, &a[0], &b[0], &c[0], ldc, b2i(overwrite))
		}}
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		dgemmArch = dgemmAVX2
		sgemmArch = kernelArch{name: "avx2", mr: 6, nr: 16, kernel: func(kc int, a, b, c []float32, ldc int, overwrite bool) {
			sgemmKernelAVX2(kc, &a[0], &b[0], &c[0], ldc, b2i(overwrite))
		}}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// dgemmAVX2 is the AVX2+FMA float64 kernel (also tested on AVX-512 machines).
var dgemmAVX2 = gemmArch[float64]{name: "avx2", mr: 6, nr: 8, kernel: func(kc int, a, b, c []float64, ldc int, overwrite bool) {
	dgemmKernelAVX2(kc, &a[0], &b[0], &c[0], ldc, b2i(overwrite))
}}
