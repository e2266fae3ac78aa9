import AssayCLI
import AssayCore

ProcessMemory.keepFreedMemory()
AssayCommand.runMain()
