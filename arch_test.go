package ember_test

import (
	"os/exec"
	"strings"
	"testing"
)

// core lists the packages that must stay free of the command line, HTTP and cgo.
var core = []string{"tensor", "backend", "backend/cpu", "backend/meta", "nn", "optim", "optim/lr", "data", "data/synth", "metrics", "cluster", "decomp", "features", "neighbors", "linear", "ensemble", "svm", "estimator", "tune", "plot", "explain", "train", "serialize"}

func TestCoreImportsStayClean(t *testing.T) {
	for _, pkg := range core {
		// With cgo enabled, a dependency on net or os/user would pull in runtime/cgo: list
		// the dependencies as a cgo build sees them, whatever this process's CGO_ENABLED.
		cmd := exec.Command("go", "list", "-deps", "./"+pkg)
		cmd.Env = append(cmd.Environ(), "CGO_ENABLED=1")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			switch {
			case dep == "net/http", dep == "runtime/cgo", dep == "C",
				strings.Contains(dep, "/internal/cli"), strings.Contains(dep, "/playground"),
				dep == "flag" && pkg != "train":
				t.Errorf("core package %s depends on %s", pkg, dep)
			}
		}
	}
}

func TestCoreBuildsForWasm(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles")
	}
	args := []string{"build"}
	for _, pkg := range core {
		args = append(args, "./"+pkg)
	}
	cmd := exec.Command("go", args...)
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=js GOARCH=wasm go build: %v\n%s", err, out)
	}
}
