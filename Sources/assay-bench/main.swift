import AssayCore

// The same allocator setting as `assay` (the in-process reference runs the library as `assay serve` does).
ProcessMemory.keepFreedMemory()
AssayBench.main()
