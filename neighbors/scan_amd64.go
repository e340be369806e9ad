//go:build amd64 && !noasm

package neighbors

import "golang.org/x/sys/cpu"

// firstBelowAVX2 is firstBelowGo in AVX2 assembly (scan_amd64.s).
//
//go:noescape
func firstBelowAVX2(s []float32, thr float32) int

// firstRowBelowAVX2 is firstRowBelowGo in AVX2 assembly (scan_amd64.s).
//
//go:noescape
func firstRowBelowAVX2(c []float32, thr *[panelWidth]float32) (row int, mask uint32)

// firstBelow32 returns the index of the first s[i] < thr, or len(s).
var firstBelow32 = firstBelowGo[float32]

// firstRowBelow returns the first row of c (rows of panelWidth values) holding a value
// below its lane's threshold, and the mask of those lanes; or len(c)/panelWidth and 0.
var firstRowBelow = firstRowBelowGo

func init() {
	if cpu.X86.HasAVX2 {
		firstBelow32, firstRowBelow = firstBelowAVX2, firstRowBelowAVX2
	}
}
