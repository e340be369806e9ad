package ember_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeSnippetsAreExamples keeps README.md honest: every line of its Go code blocks, and
// every Ember cell of the course-program table, appears in example_test.go, whose Example
// functions compile and check their output.
func TestReadmeSnippetsAreExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(string(src), "\n") {
		lines[strings.TrimSpace(l)] = true
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) == 0 {
		t.Fatal("README.md has no Go code blocks")
	}
	for _, b := range blocks {
		for _, l := range strings.Split(b[1], "\n") {
			if l = strings.TrimSpace(l); l != "" && !lines[l] {
				t.Errorf("README line not in example_test.go: %s", l)
			}
		}
	}
	section := string(readme)
	start := strings.Index(section, "## The course program")
	if start < 0 {
		t.Fatal("README.md lost its course-program table")
	}
	section = section[start:]
	section = section[:strings.Index(section[3:], "\n## ")+3]
	cell := regexp.MustCompile("`([^`]+)`")
	rows := 0
	for _, row := range strings.Split(section, "\n") {
		cols := strings.Split(row, " | ")
		if !strings.HasPrefix(row, "| `") || len(cols) != 2 {
			continue
		}
		rows++
		for _, m := range cell.FindAllStringSubmatch(cols[1], -1) {
			for _, piece := range strings.Split(m[1], "…") {
				if piece = strings.TrimSpace(piece); piece != "" && !strings.Contains(string(src), piece) {
					t.Errorf("table cell not in example_test.go: %s", piece)
				}
			}
		}
	}
	if rows < 10 {
		t.Fatalf("found %d table rows; the parser no longer matches the README", rows)
	}
}
