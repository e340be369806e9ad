//go:build !(amd64 || arm64) || noasm

package tensor

import (
	"runtime"
	"strconv"
)

// goroutineID identifies the calling goroutine by the number in the first line of its stack
// trace ("goroutine 7 [running]:"). It is the portable twin of the assembly version and costs
// about a microsecond; it runs only while some goroutine is inside a grad-mode scope.
func goroutineID() uintptr {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	const prefix = "goroutine "
	if len(b) < len(prefix) {
		panic("tensor: cannot read the goroutine id")
	}
	b = b[len(prefix):]
	n := 0
	for n < len(b) && b[n] >= '0' && b[n] <= '9' {
		n++
	}
	id, err := strconv.ParseUint(string(b[:n]), 10, 64)
	if err != nil {
		panic("tensor: cannot read the goroutine id: " + err.Error())
	}
	return uintptr(id)
}
