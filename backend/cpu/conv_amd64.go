//go:build amd64 && !noasm

package cpu

import "golang.org/x/sys/cpu"

//go:noescape
func convTile6x4(t *convTileArgs)

//go:noescape
func convDW6x4(t *dwTileArgs)

//go:noescape
func maskedRowSum(dst, gr, y *float32, n, relu int) float32

func init() {
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL && !forceAVX2 {
		convTileKernel, convDWKernel = convTile6x4, convDW6x4
		gradRow = func(dst, g, y []float32, relu bool) float32 {
			if len(dst) == 0 {
				return 0
			}
			_, _ = g[len(dst)-1], dst[len(g)-1]
			yp := &g[0]
			if relu {
				_ = y[len(dst)-1]
				yp = &y[0]
			}
			return maskedRowSum(&dst[0], &g[0], yp, len(dst), int(b2i(relu)))
		}
	}
}
