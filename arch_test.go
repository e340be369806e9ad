package ember_test

import (
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// core lists the packages that must stay free of the command line, HTTP and cgo.
var core = []string{"tensor", "backend", "backend/cpu", "backend/meta", "nn", "optim", "optim/lr", "data", "data/synth", "metrics", "cluster", "decomp", "features", "neighbors", "linear", "ensemble", "svm", "estimator", "tune", "plot", "explain", "train", "checkpoint", "serialize"}

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

// helpers stands for the internal/… helper packages the core shares (not internal/cli or
// internal/bench, which sit on top): a package listing it may import any of them. The
// helpers' own row keeps them below the estimators; tensor, backend and serialize stay free
// of them.
const helpers = "internal/…"

// estimatorDeps is what the classical estimator packages may import: tensors, the CPU kernels
// they call directly, datasets, metrics and the internal helpers, never one another.
var estimatorDeps = []string{"tensor", "backend", "backend/cpu", "data", "metrics", helpers}

// allowedImports lists, for each package (module-relative path), the Ember packages its
// non-test files may import. Imports only point down: the file formats (serialize) know
// tensors only, the layers above know the layers below, and nothing imports the CLI, the
// benchmarks or the examples except the programs on top. A new package needs a row here.
var allowedImports = map[string][]string{
	".":                   {},
	"backend":             {},
	"backend/cpu":         {"backend"},
	"backend/meta":        {"backend"},
	"backend/backendtest": {"backend"},
	"tensor":              {"backend", "backend/cpu"}, // backend/cpu as the default backend only
	"tensor/tensortest":   {"tensor", "backend", "backend/meta"},
	"serialize":           {"tensor"},
	"data":                {"tensor", "serialize", helpers},
	"data/synth":          {"tensor", helpers},
	"metrics":             {"tensor", helpers},
	"nn":                  {"tensor", "backend", "backend/meta", helpers}, // meta for Summary
	"optim":               {"tensor", "backend", helpers},
	"optim/lr":            {"optim"},
	"checkpoint":          {"tensor", "serialize", "nn", "optim", "optim/lr", helpers},
	"train":               {"tensor", "data", "metrics", "nn", "optim", "optim/lr", "checkpoint", helpers},
	"explain":             {"tensor", "nn", helpers},
	"cluster":             estimatorDeps,
	"decomp":              estimatorDeps,
	"ensemble":            estimatorDeps,
	"features":            estimatorDeps,
	"linear":              estimatorDeps,
	"neighbors":           estimatorDeps,
	"svm":                 estimatorDeps,
	helpers:               {"tensor", "backend", "backend/cpu", "data", "metrics", helpers},
	"estimator":           append([]string{"serialize", "cluster", "decomp", "ensemble", "features", "linear", "neighbors", "svm"}, estimatorDeps...),
	"tune":                {"tensor", "backend", "backend/cpu", "data", "metrics", "estimator", helpers},
	"plot":                {"tensor", "metrics", "nn", "train", "serialize", helpers},
	// Programs and tools on top may import any library package.
	"internal/bench":        {"*"},
	"internal/cli":          {"*"},
	"plot/internal/gendocs": {"*"},
	"cmd/…":                 {"internal/cli"},
	"examples/…":            {"*"},
}

// rowFor returns the table row that governs pkg: its own, its parent's for the programs on
// top (internal/cli/x is internal/cli's), or the "dir/…" row of its family.
func rowFor(pkg string) (string, bool) {
	if _, ok := allowedImports[pkg]; ok {
		return pkg, true
	}
	for _, top := range []string{"internal/cli", "internal/bench"} {
		if strings.HasPrefix(pkg, top+"/") {
			return top, true
		}
	}
	for _, family := range []string{"cmd/", "examples/", "internal/"} {
		if strings.HasPrefix(pkg, family) {
			row := family + "…"
			_, ok := allowedImports[row]
			return row, ok
		}
	}
	return "", false
}

// importViolations checks a graph (package → the Ember packages it imports, module-relative)
// against allowedImports and describes every import the table does not allow.
func importViolations(graph map[string][]string) []string {
	var bad []string
	for _, pkg := range slices.Sorted(maps.Keys(graph)) {
		row, ok := rowFor(pkg)
		if !ok {
			bad = append(bad, pkg+": no row in arch_test.go's allowedImports; add one that says what it may import")
			continue
		}
		allowed := allowedImports[row]
		for _, dep := range graph[pkg] {
			depRow, _ := rowFor(dep)
			top := slices.Contains(allowed, "*")
			switch {
			case dep == "internal/cli" && !strings.HasPrefix(pkg, "cmd/"),
				strings.HasPrefix(dep, "cmd/"), strings.HasPrefix(dep, "examples/"),
				dep == "internal/bench" && !top:
				bad = append(bad, pkg+" imports "+dep+": only the programs on top may")
			case top, slices.Contains(allowed, dep), depRow == helpers && slices.Contains(allowed, helpers):
			default:
				bad = append(bad, pkg+" imports "+dep+", which points up or sideways (allowed: "+strings.Join(allowed, ", ")+")")
			}
		}
	}
	return bad
}

// TestImportsPointDown checks every package's imports (test files aside) against the table.
func TestImportsPointDown(t *testing.T) {
	const module = "github.com/ember-ml/ember"
	out, err := exec.Command("go", "list", "-e", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	graph := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		if pkg == "" {
			pkg = "."
		}
		graph[pkg] = []string{}
		for _, imp := range fields[1:] {
			if rest, ok := strings.CutPrefix(imp, module+"/"); ok {
				graph[pkg] = append(graph[pkg], rest)
			}
		}
	}
	if len(graph["serialize"]) == 0 || len(graph["train"]) == 0 {
		t.Fatalf("go list found no imports; the graph is %v", graph)
	}
	for _, v := range importViolations(graph) {
		t.Error(v)
	}
}

// TestImportTableCatchesUpwardImports checks the checker: imports that point up or sideways,
// or from a package without a row, are reported; the allowed ones are not.
func TestImportTableCatchesUpwardImports(t *testing.T) {
	for _, c := range []struct {
		pkg, dep string
		ok       bool
	}{
		{"serialize", "tensor", true},
		{"train", "checkpoint", true},
		{"linear", "internal/newhelper", true},
		{"internal/newhelper", "internal/state", true},
		{"examples/foo", "train", true},
		{"serialize", "nn", false},
		{"serialize", "data", false},
		{"tensor", "nn", false},
		{"nn", "optim", false},
		{"linear", "ensemble", false},
		{"internal/state", "linear", false},
		{"linear", "internal/cli", false},
		{"linear", "internal/bench", false},
		{"linear", "internal/cli/sub", false},
		{"train", "examples/circles", false},
		{"newpkg", "tensor", false},
	} {
		bad := importViolations(map[string][]string{c.pkg: {c.dep}})
		if (len(bad) == 0) != c.ok {
			t.Errorf("%s importing %s: violations %q, want allowed=%v", c.pkg, c.dep, bad, c.ok)
		}
	}
}
