/**
 * Common given names and surnames from several naming cultures, written down by hand for the
 * screening bench's not-listed names. Arabic, Persian, Russian, Chinese, Korean and Spanish names
 * are over-represented on purpose: the SDN list is heavy in them, so they are where false
 * positives come from.
 */
export const givenNames = [
  // English and European
  'James', 'John', 'Robert', 'Michael', 'William', 'David', 'Richard', 'Thomas', 'Charles', 'Daniel',
  'Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Susan', 'Jessica', 'Sarah', 'Karen', 'Emily',
  'Hans', 'Klaus', 'Stefan', 'Pierre', 'Jean', 'Marie', 'Sophie', 'Giulia', 'Marco', 'Luca',
  'Lars', 'Ingrid', 'Pieter', 'Anke', 'Joao', 'Ines', 'Tomasz', 'Katarzyna', 'Eszter', 'Jiri',
  // Spanish and Portuguese
  'Jose', 'Juan', 'Carlos', 'Luis', 'Miguel', 'Alejandro', 'Fernando', 'Javier', 'Lucia', 'Carmen',
  'Ana', 'Isabel', 'Rafael', 'Diego', 'Sergio', 'Pablo', 'Andres', 'Camila', 'Valentina', 'Mateo',
  // Arabic and Persian
  'Mohammed', 'Ahmed', 'Ali', 'Omar', 'Hassan', 'Hussein', 'Khalid', 'Youssef', 'Ibrahim', 'Mustafa',
  'Fatima', 'Aisha', 'Mariam', 'Layla', 'Zainab', 'Reza', 'Mehdi', 'Hamid', 'Amir', 'Samir',
  'Tariq', 'Karim', 'Nabil', 'Walid', 'Faisal', 'Saeed', 'Majid', 'Rashid', 'Jamal', 'Bilal',
  // Russian, Ukrainian and other Slavic
  'Ivan', 'Sergei', 'Dmitry', 'Alexei', 'Nikolai', 'Andrei', 'Vladimir', 'Mikhail', 'Yuri', 'Oleg',
  'Olga', 'Natalia', 'Tatiana', 'Elena', 'Svetlana', 'Irina', 'Anastasia', 'Viktor', 'Pavel', 'Bogdan',
  // Chinese, Korean, Vietnamese, Japanese
  'Wei', 'Jing', 'Li Na', 'Xiaoming', 'Hui', 'Yan', 'Jun', 'Lei', 'Min', 'Fang',
  'Ji-hoon', 'Seo-yeon', 'Min-jun', 'Hyun', 'Thanh', 'Minh', 'Lan', 'Hiroshi', 'Yuki', 'Takeshi',
  // South Asian and African
  'Rahul', 'Priya', 'Amit', 'Sunita', 'Arjun', 'Deepak', 'Kwame', 'Amara', 'Chinedu', 'Thabo',
];

export const surnames = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Taylor', 'Clark',
  'Mueller', 'Schmidt', 'Schneider', 'Fischer', 'Dubois', 'Laurent', 'Rossi', 'Bianchi', 'Jansen', 'Nielsen',
  'Kowalski', 'Nowak', 'Novak', 'Horvat', 'Silva', 'Santos', 'Pereira', 'Costa', 'Andersson', 'Virtanen',
  'Garcia', 'Rodriguez', 'Martinez', 'Lopez', 'Gonzalez', 'Hernandez', 'Perez', 'Sanchez', 'Ramirez', 'Torres',
  'Flores', 'Rivera', 'Gomez', 'Diaz', 'Morales', 'Ortiz', 'Castillo', 'Vargas', 'Romero', 'Herrera',
  'Haddad', 'Khoury', 'Nasser', 'Mansour', 'Saleh', 'Aziz', 'Farouk', 'Hamdan', 'Qureshi', 'Siddiqui',
  'Tehrani', 'Hosseini', 'Karimi', 'Rahimi', 'Moradi', 'Sadeghi', 'Jafari', 'Bakr', 'Suleiman', 'Othman',
  'Petrov', 'Smirnov', 'Kuznetsov', 'Popov', 'Sokolov', 'Lebedev', 'Kozlov', 'Novikov', 'Morozov', 'Volkov',
  'Pavlenko', 'Shevchenko', 'Bondarenko', 'Kovalenko', 'Melnyk', 'Tkachenko', 'Zakharov', 'Orlov', 'Belov', 'Frolov',
  'Wang', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu',
  'Kim', 'Park', 'Choi', 'Jung', 'Kang', 'Nguyen', 'Tran', 'Le', 'Pham', 'Tanaka',
  'Sharma', 'Patel', 'Gupta', 'Singh', 'Reddy', 'Okafor', 'Mensah', 'Dlamini', 'Mwangi', 'Adeyemi',
];
