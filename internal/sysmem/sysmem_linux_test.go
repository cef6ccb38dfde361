//go:build linux

package sysmem

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestCgroupLimit builds cgroup trees of both versions in a temporary
// directory and reads their limits.
func TestCgroupLimit(t *testing.T) {
	write := func(t *testing.T, path, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		self  string
		files map[string]string
		want  uint64
		ok    bool
	}{
		{"v2 own path", "0::/kube/pod1\n", map[string]string{"kube/pod1/memory.max": "2147483648\n", "memory.max": "max\n"}, 2 << 30, true},
		{"v2 namespace root", "0::/\n", map[string]string{"memory.max": "1073741824\n"}, 1 << 30, true},
		{"v2 unlimited", "0::/\n", map[string]string{"memory.max": "max\n"}, 0, false},
		{"v1 own path", "4:memory:/job7\n0::/\n", map[string]string{"memory/job7/memory.limit_in_bytes": "536870912\n"}, 512 << 20, true},
		{"v1 mount root", "4:memory:/hidden\n", map[string]string{"memory/memory.limit_in_bytes": "536870912\n"}, 512 << 20, true},
		{"v1 unlimited", "4:memory:/\n", map[string]string{"memory/memory.limit_in_bytes": "9223372036854771712\n"}, 0, false},
		{"v1 joint controllers", "3:cpu,memory:/j\n", map[string]string{"memory/j/memory.limit_in_bytes": "4096\n"}, 4096, true},
		{"nothing", "", nil, 0, false},
		{"garbage", "0::/\n", map[string]string{"memory.max": "lots\n"}, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			self := filepath.Join(dir, "self")
			write(t, self, tc.self)
			root := filepath.Join(dir, "cg")
			for p, s := range tc.files {
				write(t, filepath.Join(root, p), s)
			}
			got, ok := cgroupLimit(self, root)
			if got != tc.want || ok != tc.ok {
				t.Errorf("cgroupLimit = %d, %v; want %d, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestUsable checks that this machine reports a limit no larger than its
// RAM.
func TestUsable(t *testing.T) {
	l, ok := Usable()
	if !ok || l.Bytes == 0 {
		t.Fatalf("Usable = %v, %v; want a limit on Linux", l, ok)
	}
	var si unix.Sysinfo_t
	if err := unix.Sysinfo(&si); err != nil {
		t.Fatal(err)
	}
	if ram := uint64(si.Totalram) * uint64(si.Unit); l.Bytes > ram {
		t.Errorf("Usable = %v, more than the %d bytes of RAM", l, ram)
	}
}
