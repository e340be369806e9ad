//go:build (amd64 || arm64) && !noasm

package tensor

// getg returns the address of the running goroutine's runtime descriptor (goroutine_*.s). It
// is the same for the goroutine's whole life and differs from every other live goroutine's;
// a finished goroutine's descriptor may be reused by a new one, which is why grad-mode scopes
// remove their entry when they end.
func getg() uintptr

// goroutineID identifies the calling goroutine among the live ones.
func goroutineID() uintptr { return getg() }
