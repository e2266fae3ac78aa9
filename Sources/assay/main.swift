import AssayCLI
AssayCommand.runMain()
