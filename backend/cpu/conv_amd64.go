//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

//go:noescape
func convTile6x4(t *convTileArgs)

//go:noescape
func convDW6x4(t *dwTileArgs)

//go:noescape
func convTile4x3(t *convTileArgs)

//go:noescape
func convDW3x4(t *dwTileArgs)

// The AVX-512 and AVX2 convolution kernel sets (the AVX2 one is also tested on AVX-512 CPUs).
var (
	convAVX512 = &convKernels{lanes: 16, slots: 4, tileO: 6, tile: convTile6x4, dwO: 6, dw: convDW6x4, mask: bitMask}
	convAVX2   = &convKernels{lanes: 8, slots: 3, tileO: 4, tile: convTile4x3, dwO: 3, dw: convDW3x4, mask: laneCount}
)

//go:noescape
func maskedRowSum(dst, gr, y *float32, n, relu int) float32

func init() {
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL && !forceAVX2 {
		convK = convAVX512
		gradRow = gradRowAVX512
	} else if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		convK = convAVX2
	}
}

// gradRowAVX512 is gradRow in AVX-512: it reads g[0, len(dst)) and, when relu is set,
// y[0, len(dst)), and writes dst; lanes past the end are masked.
func gradRowAVX512(dst, g, y []float32, relu bool) float32 {
	const name = "masked row sum avx512"
	n := len(dst)
	if n == 0 {
		return 0
	}
	checkLen(name, "g", len(g), n)
	yp := &g[0] // not read without relu
	if relu {
		checkLen(name, "y", len(y), n)
		yp = &y[0]
	}
	return maskedRowSum(&dst[0], &g[0], yp, n, b2i(relu))
}
