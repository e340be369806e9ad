//go:build !amd64 || noasm

package neighbors

// firstBelow32 returns the index of the first s[i] < thr, or len(s).
var firstBelow32 = firstBelowGo[float32]

// firstRowBelow returns the first row of c (rows of panelWidth values) holding a value
// below its lane's threshold, and the mask of those lanes; or len(c)/panelWidth and 0.
var firstRowBelow = firstRowBelowGo
