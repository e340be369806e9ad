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

// The checked micro-kernels: each reads kc·mr values of a and kc·nr of b and reads (unless
// overwrite) and writes the mr×nr tile of c at row stride ldc. They run once per tile, and
// their checks are a few comparisons against kc·mr·nr multiply-adds.

// sgemmAVX512 is the 12×32 float32 AVX-512 micro-kernel.
func sgemmAVX512(kc int, a, b, c []float32, ldc int, overwrite bool) {
	checkGemmTile("sgemm avx512", 12, 32, kc, len(a), len(b), len(c), ldc)
	sgemmKernelAVX512(kc, &a[0], &b[0], &c[0], ldc, b2i(overwrite))
}

// sgemmAVX2 is the 6×16 float32 AVX2+FMA micro-kernel.
func sgemmAVX2(kc int, a, b, c []float32, ldc int, overwrite bool) {
	checkGemmTile("sgemm avx2", 6, 16, kc, len(a), len(b), len(c), ldc)
	sgemmKernelAVX2(kc, &a[0], &b[0], &c[0], ldc, b2i(overwrite))
}

// dgemmAVX512 is the 12×16 float64 AVX-512 micro-kernel.
func dgemmAVX512(kc int, a, b, c []float64, ldc int, overwrite bool) {
	checkGemmTile("dgemm avx512", 12, 16, kc, len(a), len(b), len(c), ldc)
	dgemmKernelAVX512(kc, &a[0], &b[0], &c[0], ldc, b2i(overwrite))
}

// dgemmAVX2 is the 6×8 float64 AVX2+FMA micro-kernel.
func dgemmAVX2(kc int, a, b, c []float64, ldc int, overwrite bool) {
	checkGemmTile("dgemm avx2", 6, 8, kc, len(a), len(b), len(c), ldc)
	dgemmKernelAVX2(kc, &a[0], &b[0], &c[0], ldc, b2i(overwrite))
}

// strided2DAsm is strided2D in assembly: it checks that all four corners of the block, the
// extremes of both affine index maps, lie inside dst and src. Like the Go loop it copies
// nothing when rows or cols is not positive.
func strided2DAsm(dst []float32, doff int, src []float32, soff, rows, cols, srs, scs, drs, dcs int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	checkStrided("copy2D", "dst", len(dst), doff, rows, drs, cols, dcs)
	checkStrided("copy2D", "src", len(src), soff, rows, srs, cols, scs)
	copy2D(&dst[doff], &src[soff], rows, cols, srs, scs, drs, dcs)
}

func init() {
	strided2D = strided2DAsm
	switch {
	case cpu.X86.HasAVX512F && !forceAVX2:
		dgemmArch = gemmArch[float64]{name: "avx512", mr: 12, nr: 16, kernel: dgemmAVX512}
		sgemmArch = sgemmArchAVX512
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		dgemmArch = dgemmArchAVX2
		sgemmArch = sgemmArchAVX2
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The assembly GEMM kernels with their tile shapes (the AVX2 ones are also tested on AVX-512
// machines).
var (
	sgemmArchAVX512 = kernelArch{name: "avx512", mr: 12, nr: 32, kernel: sgemmAVX512}
	sgemmArchAVX2   = kernelArch{name: "avx2", mr: 6, nr: 16, kernel: sgemmAVX2}
	dgemmArchAVX2   = gemmArch[float64]{name: "avx2", mr: 6, nr: 8, kernel: dgemmAVX2}
)
