"""quizapp: quizzes and spaced-repetition flashcards for classrooms."""
